import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';
import * as getDefault from './getDefault.operation';

export const operations = { getAll, getDefault };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['model'] } },
		options: [
			{
				name: 'Get Default Configuration',
				value: 'getDefault',
				action: 'Get the default model configuration',
				description: 'The model and system prompt new threads use when no model is chosen',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many models',
				description: 'List the agents (models) a message can be sent to',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...getDefault.description,
];
