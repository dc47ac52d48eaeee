import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { Validator } from '../../../shared/validation';
import type { HaufeClient } from '../../transport';
import { limitField, returnAllField } from '../fields';

const properties: INodeProperties[] = [
	returnAllField,
	limitField,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		options: [
			{
				displayName: 'Include Deleted',
				name: 'includeDeleted',
				type: 'boolean',
				default: false,
				description: 'Whether to list soft-deleted threads too',
			},
			{
				displayName: 'User ID',
				name: 'userId',
				type: 'string',
				default: '',
				description: 'Only threads of this end user (UUID)',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['getAll'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	if (filters.userId) {
		new Validator(this.getNode(), itemIndex).uuid(filters.userId, 'Filters > User ID');
		qs.user_id = String(filters.userId).trim();
	}
	if (filters.includeDeleted) qs.include_deleted = true;
	return await client.paginate('/threads', qs, {
		returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
		limit: this.getNodeParameter('limit', itemIndex, 50) as number,
		itemIndex,
	});
}
