import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { simplified } from '../../../shared/output';
import { pathId } from '../../../shared/parameters';
import type { GriptapeClient } from '../../transport';
import { ALL_RUN_STATUSES } from '../../transport';
import { assistantLocator, limitField, returnAllField, simplifyField } from '../fields';
import { simplifyRun } from './simplify';

const properties: INodeProperties[] = [
	assistantLocator,
	returnAllField,
	limitField,
	{
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		options: ALL_RUN_STATUSES.map((status) => ({
			name: status[0] + status.slice(1).toLowerCase(),
			value: status,
		})),
		default: [],
		description: 'Only runs in these statuses; none selected lists all',
	},
	simplifyField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['assistantRun'], operation: ['getAll'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const assistantId = pathId(this, 'assistantId', 'Assistant', itemIndex);
	const statuses = this.getNodeParameter('statuses', itemIndex, []) as string[];
	const runs = await client.paginate(
		`/assistants/${assistantId}/runs`,
		'assistant_runs',
		statuses.length ? { status: statuses.join(',') } : {},
		{
			returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
			limit: this.getNodeParameter('limit', itemIndex, 50) as number,
			itemIndex,
		},
	);
	return simplified(this, itemIndex, runs, simplifyRun);
}
