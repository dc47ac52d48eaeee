import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteThread from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const operations = { create, delete: deleteThread, get, getAll, update };

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
				description: 'Start a conversation that runs can continue',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a thread',
				description: 'Delete a thread and its messages',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a thread',
				description: "Get a thread's name, alias and metadata",
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many threads',
				description: 'List threads, newest first, by alias, name or creator',
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Update a thread',
				description: 'Change its name, alias, metadata or messages',
			},
		],
		default: 'create',
	},
	...create.description,
	...deleteThread.description,
	...get.description,
	...getAll.description,
	...update.description,
];
