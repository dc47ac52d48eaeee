import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { pathId } from '../../../shared/parameters';
import type { GriptapeClient } from '../../transport';
import { idField } from '../fields';

export const runIdField = idField('Assistant Run ID', 'assistantRunId');

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['assistantRun'], operation: ['get'] } },
	[runIdField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	return await client.call('GET', `/assistant-runs/${pathId(this, 'assistantRunId', 'Assistant Run ID', itemIndex)}`, { itemIndex });
}
