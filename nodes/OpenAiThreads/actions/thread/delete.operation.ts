import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { pathId, readId } from '../../../shared/parameters';
import type { OpenAiThreadsClient } from '../../transport';
import { threadIdField } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['delete'] } },
	[threadIdField],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: OpenAiThreadsClient,
) {
	const path = `/threads/${pathId(this, 'threadId', 'Thread ID', itemIndex)}`;
	const deleted = await client.delete(path, {
		itemIndex,
		expect: object('the deletion', { deleted: 'boolean' }),
	});
	// Gone already: an earlier attempt whose answer was lost deleted it.
	return (
		deleted ?? { id: readId(this, 'threadId', itemIndex), object: 'thread.deleted', deleted: true }
	);
}
