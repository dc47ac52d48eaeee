import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import type { OpenAiThreadsClient } from '../../transport';
import { messagesField, metadataField, threadBody, toolResourcesField } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['create'] } },
	[messagesField, metadataField, toolResourcesField],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: OpenAiThreadsClient,
) {
	return await client.call('POST', '/threads', {
		body: threadBody(this, itemIndex),
		itemIndex,
		expect: object('the new thread', { id: 'id' }),
		unclear:
			'A thread may have been created; the API cannot list threads, so it can only be found through its ID.',
	});
}
