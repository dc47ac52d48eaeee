import type { INodeProperties } from 'n8n-workflow';

import * as run from './run.operation';
import * as stream from './stream.operation';

export const operations = { run, stream };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['run'] } },
		options: [
			{
				name: 'Run',
				value: 'run',
				action: 'Run a thread',
				description: "Generate the assistant's answer to the thread",
			},
			{
				name: 'Run Streamed',
				value: 'stream',
				action: 'Run a thread with a streamed answer',
				description:
					'Generate the answer as a stream; forwarded to the webhook caller when the workflow streams its response',
			},
		],
		default: 'run',
	},
	...run.description,
	...stream.description,
];
