import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { pathId } from '../../../shared/parameters';
import type { GriptapeClient } from '../../transport';
import { apiKeyIdField, nameField, readName } from './fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['apiKey'], operation: ['update'] } },
	[apiKeyIdField, nameField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const apiKeyId = pathId(this, 'apiKeyId', 'API Key ID', itemIndex);
	return await client.call('PATCH', `/api-keys/${apiKeyId}`, {
		body: { name: readName(this, itemIndex) },
		itemIndex,
		expect: object('the updated API key', { api_key_id: 'id' }),
		unclear: 'The new name may have been set: check the key with API Key > Get.',
	});
}
