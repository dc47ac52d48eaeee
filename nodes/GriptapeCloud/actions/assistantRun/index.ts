import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations = { cancel, create, get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['assistantRun'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				action: 'Cancel an assistant run',
				description: 'Stop a run that is queued or still running',
			},
			{
				name: 'Create',
				value: 'create',
				action: 'Create an assistant run',
				description: 'Start a run, and optionally wait for its answer',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get an assistant run',
				description: "Get a run's status, and its answer once it has finished",
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many assistant runs',
				description: 'List the runs of an assistant, newest first, optionally by status',
			},
		],
		default: 'create',
	},
	...cancel.description,
	...create.description,
	...get.description,
	...getAll.description,
];
