import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as stream from './stream.operation';

export const operations = { create, stream };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chatCompletion'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a chat completion',
				description: 'Answer a list of messages without a stored thread',
			},
			{
				name: 'Create Streamed',
				value: 'stream',
				action: 'Create a streamed chat completion',
				description: 'The same, with the answer streamed',
			},
		],
		default: 'create',
	},
	...create.description,
	...stream.description,
];
