import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { Validator } from '../../../shared/validation';
import type { GriptapeClient } from '../../transport';
import { checkMessages, metadataField } from './fields';

const properties: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true },
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		options: [
			{
				displayName: 'Alias',
				name: 'alias',
				type: 'string',
				default: '',
				description: 'Your own unique name for the thread, to find it again',
			},
			{
				displayName: 'Messages (JSON)',
				name: 'messagesJson',
				type: 'json',
				default: '[]',
				description:
					'Initial messages: an array of {input, output, metadata}, input and output being serialised artifacts',
			},
			metadataField,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['create'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const validator = new Validator(this.getNode(), itemIndex);
	const name = (this.getNodeParameter('name', itemIndex, '') as string).trim();
	validator.required(name, 'Name');
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = { name };
	if (fields.alias) body.alias = fields.alias;
	if (fields.metadataJson)
		body.metadata = validator.jsonObject(fields.metadataJson, 'Metadata (JSON)');
	const messages = checkMessages(
		validator,
		validator.jsonArray(fields.messagesJson, 'Messages (JSON)', { objects: true }),
	);
	if (messages.length) body.messages = messages;
	return await client.call('POST', '/threads', {
		body,
		itemIndex,
		expect: object('the new thread', { thread_id: 'id' }),
		unclear:
			'A thread may have been created: look for it with Thread > Get Many before creating another one.',
	});
}
