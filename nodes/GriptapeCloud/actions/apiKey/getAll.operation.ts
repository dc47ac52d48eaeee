import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { GriptapeClient } from '../../transport';
import { limitField, returnAllField } from '../fields';
import { ownerFields, ownerPath } from './fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['apiKey'], operation: ['getAll'] } },
	[...ownerFields, returnAllField, limitField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	return await client.paginate(
		ownerPath(this, itemIndex),
		'api_keys',
		{},
		{
			returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
			limit: this.getNodeParameter('limit', itemIndex, 50) as number,
			itemIndex,
		},
	);
}
