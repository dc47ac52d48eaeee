import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteMessage from './delete.operation';
import * as getAll from './getAll.operation';

export const operations = { create, delete: deleteMessage, getAll };

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
				description: 'Add a message to a thread',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a message',
				description: 'Remove a message from a thread',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many messages',
				description: 'List the messages of a thread',
			},
		],
		default: 'create',
	},
	...create.description,
	...deleteMessage.description,
	...getAll.description,
];
