import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { readId } from '../../../shared/parameters';
import type { AgentChatClient } from '../../transport';
import { threadLocator } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['thread'], operation: ['get'] } }, [threadLocator]);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	const threadId = readId(this, 'threadId', itemIndex, 'Thread');
	const thread = await client
		.call<IDataObject>('POST', '/api/threads/', {
			body: { thread_id: threadId },
			itemIndex,
			idempotent: true,
			expect: object('the thread', { messages: 'array' }),
		})
		.catch((error: Error) => error);
	// A thread that was created but never run is stored nowhere yet: it is empty, not missing.
	if (thread instanceof NodeApiError && thread.httpCode === '404') return { thread_id: threadId, messages: [], empty: true };
	if (thread instanceof Error) throw thread;
	return { thread_id: threadId, messages: thread.messages as IDataObject[] };
}
