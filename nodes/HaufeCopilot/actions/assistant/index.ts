import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations = { get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['assistant'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get an assistant',
				description: 'Get one assistant with its meta_data schema',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many assistants',
				description: 'List the assistants available to your key',
			},
		],
		default: 'getAll',
	},
	...get.description,
	...getAll.description,
];
