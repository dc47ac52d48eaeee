import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { simplified } from '../../../shared/output';
import { pathId } from '../../../shared/parameters';
import type { GriptapeClient } from '../../transport';
import { RUN_CONTRACT } from '../../transport';
import { assistantRunLocator, simplifyField } from '../fields';
import { simplifyRun } from './simplify';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['assistantRun'], operation: ['get'] } },
	[assistantRunLocator, simplifyField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const run = await client.call<IDataObject>(
		'GET',
		`/assistant-runs/${pathId(this, 'assistantRunId', 'Assistant Run', itemIndex)}`,
		{
			itemIndex,
			expect: RUN_CONTRACT,
		},
	);
	return simplified(this, itemIndex, run, simplifyRun);
}
