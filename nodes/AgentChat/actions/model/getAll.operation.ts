import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { AgentChatClient } from '../../transport';
import { listModels } from './helpers';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['model'], operation: ['getAll'] } },
	[],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	return await listModels(client, itemIndex);
}
