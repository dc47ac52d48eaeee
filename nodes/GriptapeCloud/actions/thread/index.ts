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
			{ name: 'Create', value: 'create', action: 'Create a thread' },
			{ name: 'Delete', value: 'delete', action: 'Delete a thread' },
			{ name: 'Get', value: 'get', action: 'Get a thread' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many threads' },
			{ name: 'Update', value: 'update', action: 'Update a thread' },
		],
		default: 'create',
	},
	...create.description,
	...deleteThread.description,
	...get.description,
	...getAll.description,
	...update.description,
];
