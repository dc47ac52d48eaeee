import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { pathId } from '../../../shared/parameters';
import type { GriptapeClient } from '../../transport';
import { threadIdField } from './fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['get'] } },
	[threadIdField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	return await client.call('GET', `/threads/${pathId(this, 'threadId', 'Thread', itemIndex)}`, {
		itemIndex,
		expect: object('the thread', { thread_id: 'id' }),
	});
}
