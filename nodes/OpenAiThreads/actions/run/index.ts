import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as create from './create.operation';
import * as createThreadAndRun from './createThreadAndRun.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as submitToolOutputs from './submitToolOutputs.operation';

export const operations = { cancel, create, createThreadAndRun, get, getAll, submitToolOutputs };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['run'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				action: 'Cancel a run',
				description: 'Stop a run that is queued, in progress or waiting for tool outputs',
			},
			{
				name: 'Create',
				value: 'create',
				action: 'Create a run',
				description: 'Run an assistant on a thread, and optionally wait for it',
			},
			{
				name: 'Create Thread and Run',
				value: 'createThreadAndRun',
				action: 'Create a thread and run it',
				description: 'Start a new thread with messages and run an assistant on it in one step',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a run',
				description: "Get a run's status, pending tool calls or last error",
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many runs',
				description: 'List the runs of a thread, newest first',
			},
			{
				name: 'Submit Tool Outputs',
				value: 'submitToolOutputs',
				action: 'Submit tool outputs to a run',
				description:
					'Answer the tool calls of a run that requires action, and optionally wait again',
			},
		],
		default: 'create',
	},
	...cancel.description,
	...create.description,
	...createThreadAndRun.description,
	...get.description,
	...getAll.description,
	...submitToolOutputs.description,
];
