import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { pathId } from '../../../shared/parameters';
import type { GriptapeClient } from '../../transport';
import { apiKeyIdField } from './fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['apiKey'], operation: ['get'] } },
	[apiKeyIdField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	return await client.call(
		'GET',
		`/api-keys/${pathId(this, 'apiKeyId', 'API Key ID', itemIndex)}`,
		{
			itemIndex,
			expect: object('the API key', { api_key_id: 'id' }),
		},
	);
}
