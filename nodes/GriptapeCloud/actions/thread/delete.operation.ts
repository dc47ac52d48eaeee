import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { nothing } from '../../../shared/contracts';
import { pathId } from '../../../shared/parameters';
import type { GriptapeClient } from '../../transport';
import { threadIdField } from './fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['delete'] } },
	[threadIdField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const threadId = pathId(this, 'threadId', 'Thread', itemIndex);
	await client.delete(`/threads/${threadId}`, { itemIndex, expect: nothing() });
	return { deleted: true, thread_id: decodeURIComponent(threadId) };
}
