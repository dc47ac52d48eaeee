import type { INodeProperties } from 'n8n-workflow';

import * as send from './send.operation';

export const operations = { send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['run'] } },
		options: [
			{
				name: 'Send Message',
				value: 'send',
				action: 'Send a message and get the answer',
				description:
					'The streamed answer is collected into one item, or forwarded as it comes to a streaming webhook',
			},
		],
		default: 'send',
	},
	...send.description,
];
