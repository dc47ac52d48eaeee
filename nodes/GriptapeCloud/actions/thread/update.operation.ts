import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { pathId } from '../../../shared/parameters';
import { Validator } from '../../../shared/validation';
import type { GriptapeClient } from '../../transport';
import { checkMessages, metadataField, threadIdField } from './fields';

const properties: INodeProperties[] = [
	threadIdField,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		options: [
			{ displayName: 'Alias', name: 'alias', type: 'string', default: '' },
			{
				displayName: 'Messages (JSON)',
				name: 'messagesJson',
				type: 'json',
				default: '[]',
				description: 'Replaces ALL messages of the thread with this array',
			},
			metadataField,
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['update'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const validator = new Validator(this.getNode(), itemIndex);
	const threadId = pathId(this, 'threadId', 'Thread', itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	if (fields.name !== undefined) body.name = fields.name;
	if (fields.alias !== undefined) body.alias = fields.alias;
	if (fields.metadataJson !== undefined)
		body.metadata = validator.jsonObject(fields.metadataJson, 'Metadata (JSON)');
	if (fields.messagesJson !== undefined)
		body.messages = checkMessages(
			validator,
			validator.jsonArray(fields.messagesJson, 'Messages (JSON)', { objects: true }),
		);
	if (!Object.keys(body).length) validator.fail('Add at least one field to update');
	return await client.call('PATCH', `/threads/${threadId}`, {
		body,
		itemIndex,
		expect: object('the updated thread', { thread_id: 'id' }),
		unclear: 'The change may have been made: check the thread with Thread > Get.',
	});
}
