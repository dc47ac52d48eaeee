import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { nothing } from '../../../shared/contracts';
import { pathId } from '../../../shared/parameters';
import type { GriptapeClient } from '../../transport';
import { apiKeyIdField } from './fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['apiKey'], operation: ['delete'] } },
	[apiKeyIdField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const apiKeyId = pathId(this, 'apiKeyId', 'API Key ID', itemIndex);
	await client.delete(`/api-keys/${apiKeyId}`, { itemIndex, expect: nothing() });
	return { deleted: true, api_key_id: decodeURIComponent(apiKeyId) };
}
