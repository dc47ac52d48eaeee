import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { pathId } from '../../../shared/parameters';
import type { HaufeClient } from '../../transport';
import { limitField, returnAllField, threadLocator } from '../fields';

const properties: INodeProperties[] = [
	threadLocator,
	returnAllField,
	limitField,
	{
		displayName: 'Order',
		name: 'order',
		type: 'options',
		options: [
			{ name: 'Newest First', value: 'newestFirst', description: 'As the API returns them' },
			{
				name: 'Oldest First',
				value: 'oldestFirst',
				description:
					'The conversation in reading order. With a limit, the oldest messages are returned.',
			},
		],
		default: 'newestFirst',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['getAll'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const threadId = pathId(this, 'threadId', 'Thread', itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = this.getNodeParameter('limit', itemIndex, 50) as number;
	const oldestFirst = this.getNodeParameter('order', itemIndex, 'newestFirst') === 'oldestFirst';
	// The API pages newest first only, so the oldest messages are at the end of the full list.
	const messages = await client.paginate(
		`/threads/${threadId}/messages`,
		{},
		{
			returnAll: returnAll || oldestFirst,
			limit,
			itemIndex,
		},
	);
	if (!oldestFirst) return messages;
	const ascending = messages.reverse();
	return returnAll ? ascending : ascending.slice(0, limit);
}
