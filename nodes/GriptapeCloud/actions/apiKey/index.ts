import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteKey from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const operations = { create, delete: deleteKey, get, getAll, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['apiKey'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create an API key',
				description: "The new key's secret is in the output, once",
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete an API key',
				description: 'Revoke a key: it stops working at once',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get an API key',
				description: "Get a key's name, owner and last use (never its secret)",
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many API keys',
				description: 'List the keys of an organization or a user',
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Rename an API key',
				description: 'Give a key a new name',
			},
		],
		default: 'getAll',
	},
	...create.description,
	...deleteKey.description,
	...get.description,
	...getAll.description,
	...update.description,
];
