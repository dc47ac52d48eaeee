import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { array } from '../../../shared/contracts';
import type { HaufeClient } from '../../transport';
import { limitField, returnAllField } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['assistant'], operation: ['getAll'] } },
	[returnAllField, limitField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	// The API returns every assistant in one plain array: no paging to follow.
	const assistants = await client.call<IDataObject[]>('GET', '/assistants', {
		itemIndex,
		expect: array('the list of assistants'),
	});
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = this.getNodeParameter('limit', itemIndex, 50) as number;
	return returnAll ? assistants : assistants.slice(0, limit);
}
