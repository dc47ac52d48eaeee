import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { GriptapeClient } from '../../transport';
import { nameField, ownerFields, ownerPath } from './fields';
import { readName } from './update.operation';

export const description = updateDisplayOptions({ show: { resource: ['apiKey'], operation: ['create'] } }, [...ownerFields, nameField]);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	// The answer holds the new key's secret `value`, shown this once only.
	return await client.call('POST', ownerPath(this, itemIndex), { body: { name: readName(this, itemIndex) }, itemIndex });
}
