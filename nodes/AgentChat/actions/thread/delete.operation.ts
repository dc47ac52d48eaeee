import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import type { AgentChatClient } from '../../transport';
import { readThreadId, threadLocator } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['delete'] } },
	[threadLocator],
);

/**
 * The app answers 404 "Thread not found" when nothing is stored under the ID: a thread created
 * but never run (the app stores a thread with its first message), or one deleted already.
 * Either way the thread is gone afterwards, which is what Delete is for: not an error.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	const threadId = readThreadId(this, itemIndex);
	const result = await client
		.call<IDataObject>('DELETE', '/api/threads/', {
			body: { thread_id: threadId },
			itemIndex,
			expect: object('the deletion'),
		})
		.catch((error: Error) => error);
	if (result instanceof NodeApiError && result.httpCode === '404') {
		return {
			deleted: false,
			thread_id: threadId,
			status: 'not_stored',
			note: 'Nothing was stored under this thread ID (never run, or deleted already): there was nothing to delete.',
		};
	}
	if (result instanceof Error) throw result;
	return { deleted: true, thread_id: threadId, status: 'deleted' };
}
