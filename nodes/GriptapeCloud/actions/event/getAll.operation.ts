import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { collectPages } from '../../../shared/pagination';
import type { GriptapeClient } from '../../transport';
import { limitField, returnAllField } from '../fields';
import { readSource, sourceFields } from './fields';

const properties: INodeProperties[] = [
	...sourceFields,
	returnAllField,
	limitField,
	{
		displayName: 'Offset',
		name: 'offset',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			'Start at this event (0 is the first); pass a previous next_offset to read only newer events',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['getAll'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const { source, runId } = readSource(this, itemIndex);
	return await collectPages<IDataObject, number>(
		this.getNode(),
		async (offset = this.getNodeParameter('offset', itemIndex, 0) as number, pageSize) => {
			const page = await client.listEvents(source, runId, offset, pageSize, itemIndex);
			const more = page.count > 0 && page.next_offset < page.total_count;
			return { items: page.events, next: more ? page.next_offset : undefined };
		},
		{
			returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
			limit: this.getNodeParameter('limit', itemIndex, 50) as number,
			maxPageSize: 100,
		},
	);
}
