import type { INodeProperties } from 'n8n-workflow';

import * as ask from './ask.operation';

export const operations = { ask };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['question'] } },
		options: [
			{
				name: 'Ask',
				value: 'ask',
				action: 'Ask a question',
				description:
					'Each item is one question: thread, message and run in one step, answers in input order',
			},
		],
		default: 'ask',
	},
	...ask.description,
];
