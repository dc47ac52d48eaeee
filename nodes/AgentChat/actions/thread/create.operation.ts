import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { AgentChatClient } from '../../transport';
import { createThread } from './helpers';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['create'] } },
	[],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	return { thread_id: await createThread(client, itemIndex) };
}
