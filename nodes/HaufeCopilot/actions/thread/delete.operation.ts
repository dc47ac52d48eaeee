import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId } from '../../../shared/parameters';
import type { HaufeClient } from '../../transport';
import { threadLocator } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['delete'] } },
	[threadLocator],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const threadId = readId(this, 'threadId', itemIndex);
	// A soft delete: the API answers with an empty body.
	await client.call('DELETE', `/threads/${encodeURIComponent(threadId)}`, { itemIndex });
	return { deleted: true, thread_id: threadId };
}
