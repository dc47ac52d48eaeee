import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { pathId } from '../../../shared/parameters';
import type { GriptapeClient } from '../../transport';
import { runIdField } from './get.operation';

export const description = updateDisplayOptions({ show: { resource: ['assistantRun'], operation: ['cancel'] } }, [runIdField]);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const runId = pathId(this, 'assistantRunId', 'Assistant Run ID', itemIndex);
	return await client.call('POST', `/assistant-runs/${runId}/cancel`, { itemIndex });
}
