import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { pathId } from '../../../shared/parameters';
import type { GriptapeClient } from '../../transport';
import { idField } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['get'] } },
	[idField('Event ID', 'eventId')],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	return await client.call('GET', `/events/${pathId(this, 'eventId', 'Event ID', itemIndex)}`, {
		itemIndex,
		expect: object('the event', { event_id: 'id' }),
	});
}
