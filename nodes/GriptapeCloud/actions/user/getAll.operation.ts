import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listIn } from '../../../shared/contracts';
import type { GriptapeClient } from '../../transport';
import { limitField, returnAllField } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['getAll'] } },
	[returnAllField, limitField],
);

/** The API document's ListUsers takes no parameters and answers every user at once: no paging. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const response = await client.call<IDataObject>('GET', '/users', {
		itemIndex,
		expect: listIn('users', 'the list of users'),
	});
	const users = (response.users as IDataObject[]) ?? [];
	if (this.getNodeParameter('returnAll', itemIndex, false) as boolean) return users;
	return users.slice(0, this.getNodeParameter('limit', itemIndex, 50) as number);
}
