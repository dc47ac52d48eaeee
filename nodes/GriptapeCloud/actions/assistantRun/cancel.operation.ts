import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { simplified } from '../../../shared/output';
import { pathId } from '../../../shared/parameters';
import type { GriptapeClient } from '../../transport';
import { RUN_CONTRACT } from '../../transport';
import { assistantRunLocator, simplifyField } from '../fields';
import { simplifyRun } from './simplify';

export const description = updateDisplayOptions(
	{ show: { resource: ['assistantRun'], operation: ['cancel'] } },
	[assistantRunLocator, simplifyField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const runId = pathId(this, 'assistantRunId', 'Assistant Run', itemIndex);
	const run = await client.call<IDataObject>('POST', `/assistant-runs/${runId}/cancel`, {
		itemIndex,
		expect: RUN_CONTRACT,
		unclear: 'The run may have been cancelled: check it with Assistant Run > Get.',
	});
	return simplified(this, itemIndex, run, simplifyRun);
}
