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
				description: 'Get a new thread ID; the thread is stored with its first message',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a thread',
				description:
					'Delete a thread and its messages (a thread never run has nothing stored to delete)',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a thread with its messages',
				description: 'Read the conversation of a thread',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many threads',
				description: 'List your 20 most recently used threads, with their titles',
			},
		],
		default: 'create',
	},
	...create.description,
	...deleteThread.description,
	...get.description,
	...getAll.description,
];
