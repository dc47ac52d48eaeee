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
				description:
					'Store a file (a PDF or an image) in a thread, page by page; optionally send a message about it',
			},
		],
		default: 'upload',
	},
	...upload.description,
];
