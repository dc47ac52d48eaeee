import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteThread from './delete.operation';
import * as get from './get.operation';
import * as update from './update.operation';

export const operations = { create, delete: deleteThread, get, update };

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
				description: 'With initial messages, metadata and tool resources',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a thread',
				description: 'Delete a thread with its messages and runs',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a thread',
				description: "Get a thread's metadata and tool resources",
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Update a thread',
				description: 'Change its metadata or tool resources',
			},
		],
		default: 'create',
	},
	...create.description,
	...deleteThread.description,
	...get.description,
	...update.description,
];
