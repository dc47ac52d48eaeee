import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getStatus from './getStatus.operation';
import * as upload from './upload.operation';

export const operations = { get, getAll, getStatus, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a file',
				description: 'Get a file with its extracted text',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many files',
				description: 'List the files you have uploaded',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get the processing status of a file',
				description: 'Whether an uploaded file is processed and ready to be used',
			},
			{
				name: 'Upload',
				value: 'upload',
				action: 'Upload a file',
				description: 'Upload a binary file and wait until it is processed',
			},
		],
		default: 'upload',
	},
	...get.description,
	...getAll.description,
	...getStatus.description,
	...upload.description,
];
