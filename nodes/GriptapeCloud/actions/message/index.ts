import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as getAll from './getAll.operation';

export const operations = { create, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a message in a thread',
				description: "Add an exchange (input and output) to a thread's history",
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many messages of a thread',
				description: 'List the exchanges stored in a thread',
			},
		],
		default: 'getAll',
	},
	...create.description,
	...getAll.description,
];
