import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteThread from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations = { create, delete: deleteThread, get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['thread'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a thread',
				description: 'Start a conversation with an assistant',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a thread',
				description: 'Soft-delete a thread',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a thread',
				description: "Get a thread's title, assistant and user",
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many threads',
				description: 'List threads, following the cursor',
			},
		],
		default: 'create',
	},
	...create.description,
	...deleteThread.description,
	...get.description,
	...getAll.description,
];
