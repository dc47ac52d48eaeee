import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';

export const operations = { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['assistant'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many assistants',
				description: 'List the assistants of your organization',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
