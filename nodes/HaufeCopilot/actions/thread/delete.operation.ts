import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { HaufeClient } from '../../transport';
import { threadLocator } from '../fields';
import { encodeId, locatorId } from '../parameters';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['delete'] } },
	[threadLocator],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const threadId = locatorId(this, 'threadId', itemIndex);
	// A soft delete: the API answers with an empty body.
	await client.call('DELETE', `/threads/${encodeId(threadId)}`, { itemIndex });
	return { deleted: true, thread_id: threadId };
}
