import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { pathId } from '../../../shared/parameters';
import { Validator } from '../../../shared/validation';
import type { OpenAiThreadsClient } from '../../transport';
import {
	metadataField,
	readMetadata,
	readToolResources,
	threadIdField,
	updateToolResourcesField,
} from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['update'] } },
	[threadIdField, metadataField, updateToolResourcesField],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: OpenAiThreadsClient,
) {
	const validator = new Validator(this.getNode(), itemIndex);
	const threadId = pathId(this, 'threadId', 'Thread ID', itemIndex);
	const body: IDataObject = {};
	const metadata = readMetadata(validator, this.getNodeParameter('metadataJson', itemIndex, '{}'));
	if (metadata) body.metadata = metadata;
	const resources = readToolResources(this, validator, itemIndex, { newStores: false });
	if (resources) body.tool_resources = resources;
	if (!Object.keys(body).length) validator.fail('Set metadata or tool resources to update');
	return await client.call('POST', `/threads/${threadId}`, {
		body,
		itemIndex,
		expect: object('the updated thread', { id: 'id' }),
		unclear: 'The change may have been made: check the thread with Thread > Get.',
	});
}
