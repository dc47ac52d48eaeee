import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import type { AgentChatClient } from '../../transport';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['model'], operation: ['getDefault'] } },
	[],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	return await client.call('GET', '/api/default-config', {
		itemIndex,
		expect: object('the default configuration'),
	});
}
