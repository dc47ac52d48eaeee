import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { pathId } from '../../../shared/parameters';
import type { HaufeClient } from '../../transport';
import { threadLocator } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['get'] } },
	[threadLocator],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	return await client.call('GET', `/threads/${pathId(this, 'threadId', 'Thread', itemIndex)}`, {
		itemIndex,
		expect: object('the thread', { id: 'id' }),
	});
}
