import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { Validator } from '../../../shared/validation';
import type { OpenAiThreadsClient } from '../../transport';
import { messagesField, metadataField, readMessages, readMetadata, readToolResources, toolResourcesField } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['thread'], operation: ['create'] } }, [
	messagesField,
	metadataField,
	toolResourcesField,
]);

/** The body of a new thread, checked against every documented limit; shared with Create Thread and Run. */
export function threadBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const validator = new Validator(context.getNode(), itemIndex);
	const body: IDataObject = {};
	const messages = readMessages(context, validator, itemIndex);
	if (messages.length) body.messages = messages;
	const metadata = readMetadata(validator, context.getNodeParameter('metadataJson', itemIndex, '{}'));
	if (metadata) body.metadata = metadata;
	const resources = readToolResources(context, validator, itemIndex);
	if (resources) body.tool_resources = resources;
	return body;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, client: OpenAiThreadsClient) {
	return await client.call('POST', '/threads', {
		body: threadBody(this, itemIndex),
		itemIndex,
		expect: object('the new thread', { id: 'id' }),
		unclear: 'A thread may have been created; the API cannot list threads, so it can only be found through its ID.',
	});
}
