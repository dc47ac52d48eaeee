import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import type { GriptapeClient } from '../../transport';
import { nameField, ownerFields, ownerPath, readName } from './fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['apiKey'], operation: ['create'] } },
	[...ownerFields, nameField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	// The answer holds the new key's secret `value`, shown this once only.
	return await client.call('POST', ownerPath(this, itemIndex), {
		body: { name: readName(this, itemIndex) },
		itemIndex,
		expect: object('the new API key', { api_key_id: 'id' }),
		unclear:
			'A key may have been created (its secret is shown only once): look at the keys (API Key > Get Many), delete an unknown one, then create it again.',
	});
}
