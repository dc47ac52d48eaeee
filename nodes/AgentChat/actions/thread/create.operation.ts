import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { AgentChatClient } from '../../transport';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['thread'], operation: ['create'] } }, []);

/** The app only mints an ID here; the thread is stored with its first message. */
export async function createThread(client: AgentChatClient, itemIndex: number): Promise<string> {
	const created = await client.call<IDataObject>('POST', '/api/threads/create', { itemIndex });
	return String(created.thread_id);
}

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	return { thread_id: await createThread(client, itemIndex) };
}
