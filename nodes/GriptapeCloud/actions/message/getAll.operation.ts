import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { pathId } from '../../../shared/parameters';
import type { GriptapeClient } from '../../transport';
import { limitField, returnAllField } from '../fields';
import { threadIdField } from '../thread/fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['getAll'] } },
	[threadIdField, returnAllField, limitField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const threadId = pathId(this, 'threadId', 'Thread', itemIndex);
	return await client.paginate(
		`/threads/${threadId}/messages`,
		'messages',
		{},
		{
			returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
			limit: this.getNodeParameter('limit', itemIndex, 50) as number,
			itemIndex,
		},
	);
}
