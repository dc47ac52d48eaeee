import type { INodeProperties } from 'n8n-workflow';

import * as collectStream from './collectStream.operation';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations = { collectStream, create, get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['event'] } },
		options: [
			{
				name: 'Collect Stream',
				value: 'collectStream',
				action: 'Collect the event stream of a run',
				description: 'Read the server-sent events of a run for a time, or until it ends',
			},
			{
				name: 'Create',
				value: 'create',
				action: 'Create events for a structure run',
				description: 'Post your own events to a structure run',
			},
			{ name: 'Get', value: 'get', action: 'Get an event', description: 'Get one event by its ID' },
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many events of a run',
				description: 'List the events of a run in order, from an offset',
			},
		],
		default: 'getAll',
	},
	...collectStream.description,
	...create.description,
	...get.description,
	...getAll.description,
];
