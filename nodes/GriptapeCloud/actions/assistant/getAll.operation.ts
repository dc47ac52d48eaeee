import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { GriptapeClient } from '../../transport';
import { limitField, returnAllField } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['assistant'], operation: ['getAll'] } },
	[returnAllField, limitField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	return await client.paginate(
		'/assistants',
		'assistants',
		{},
		{
			returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
			limit: this.getNodeParameter('limit', itemIndex, 50) as number,
			itemIndex,
		},
	);
}
