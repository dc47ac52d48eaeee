import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { readId } from '../../../shared/parameters';
import type { AgentChatClient } from '../../transport';
import { threadLocator } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['thread'], operation: ['delete'] } }, [threadLocator]);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	const threadId = readId(this, 'threadId', itemIndex, 'Thread');
	const result = await client.delete<IDataObject>('/api/threads/', { body: { thread_id: threadId }, itemIndex, expect: object('the deletion') });
	// Gone already (undefined): an earlier attempt whose answer was lost deleted it.
	return { deleted: result?.success !== false, thread_id: threadId };
}
