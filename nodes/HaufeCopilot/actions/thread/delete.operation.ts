import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { nothing } from '../../../shared/contracts';
import { readId, segment } from '../../../shared/parameters';
import type { HaufeClient } from '../../transport';
import { threadLocator } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['delete'] } },
	[threadLocator],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const threadId = readId(this, 'threadId', itemIndex, 'Thread');
	// A soft delete: the API answers with an empty body.
	await client.delete(`/threads/${segment(this.getNode(), itemIndex, threadId, 'Thread')}`, {
		itemIndex,
		expect: nothing(),
	});
	return { deleted: true, thread_id: threadId };
}
