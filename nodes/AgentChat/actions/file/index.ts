import type { INodeProperties } from 'n8n-workflow';

import * as upload from './upload.operation';

export const operations = { upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Upload',
				value: 'upload',
				action: 'Upload a file to a thread',
				description: 'Attach a binary file to a thread and collect the agent\'s reply',
			},
		],
		default: 'upload',
	},
	...upload.description,
];
