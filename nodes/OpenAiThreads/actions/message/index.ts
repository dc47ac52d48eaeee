import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations = { create, get, getAll };

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
				action: 'Create a message',
				description: 'Add a message to a thread, with attachments',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a message',
				description: 'Get one message of a thread',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many messages',
				description: 'List the messages of a thread, optionally of one run',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getAll.description,
];
