import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readId } from '../../../shared/parameters';
import type { EventSource } from '../../transport';

export const sourceFields: INodeProperties[] = [
	{
		displayName: 'Events Of',
		name: 'source',
		type: 'options',
		options: [
			{ name: 'Assistant Run', value: 'assistantRun' },
			{ name: 'Structure Run', value: 'structureRun' },
		],
		default: 'assistantRun',
	},
	{
		displayName: 'Run ID',
		name: 'runId',
		type: 'string',
		default: '',
		required: true,
		description: 'The ID of the assistant run or structure run',
	},
];

export function readSource(
	context: IExecuteFunctions,
	itemIndex: number,
): { source: EventSource; runId: string } {
	const source = context.getNodeParameter('source', itemIndex, 'assistantRun') as EventSource;
	return { source, runId: readId(context, 'runId', itemIndex, 'Run ID') };
}
