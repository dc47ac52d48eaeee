import type { IDataObject } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import type { AgentChatClient } from '../../transport';

/**
 * The app only mints an ID here (the thread is stored with its first message), so asking again
 * is harmless. An answer without a usable `thread_id` is an error: sending on with "undefined"
 * would put every message into one shared thread.
 */
export async function createThread(client: AgentChatClient, itemIndex: number): Promise<string> {
	const created = await client.call<IDataObject>('POST', '/api/threads/create', {
		itemIndex,
		idempotent: true,
		expect: object('a new thread ID', { thread_id: 'id' }),
	});
	return String(created.thread_id);
}
