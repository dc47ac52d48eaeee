import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { AgentChatClient } from '../../transport';
import { readThreadId, threadLocator } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['get'] } },
	[threadLocator],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	const threadId = readThreadId(this, itemIndex);
	const messages = await client.threadMessages(threadId, itemIndex);
	// A thread that was created but never run is stored nowhere yet: it is empty, not missing.
	return messages
		? { thread_id: threadId, messages }
		: { thread_id: threadId, messages: [], empty: true };
}
