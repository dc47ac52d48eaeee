import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { pathId } from '../../../shared/parameters';
import { Validator } from '../../../shared/validation';
import type { GriptapeClient } from '../../transport';
import { metadataField, threadIdField } from '../thread/fields';

const properties: INodeProperties[] = [
	threadIdField,
	{
		displayName: 'Input',
		name: 'input',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		required: true,
		description:
			'What the user said. Plain text is wrapped in a TextArtifact; a serialised artifact (JSON) is sent as it is.',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		required: true,
		description: 'What the assistant answered, as plain text or a serialised artifact (JSON)',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		options: [metadataField],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['create'] } },
	properties,
);

/** Messages store artifacts serialised as JSON strings; plain text becomes a TextArtifact. */
export function asArtifact(text: string): string {
	try {
		const parsed = JSON.parse(text) as IDataObject;
		if (parsed && typeof parsed === 'object' && typeof parsed.type === 'string') return text;
	} catch {
		// Plain text: wrapped below.
	}
	return JSON.stringify({ type: 'TextArtifact', value: text, meta: {} });
}

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const validator = new Validator(this.getNode(), itemIndex);
	const threadId = pathId(this, 'threadId', 'Thread', itemIndex);
	const input = this.getNodeParameter('input', itemIndex, '') as string;
	const output = this.getNodeParameter('output', itemIndex, '') as string;
	validator.required(input, 'Input');
	validator.required(output, 'Output');
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = { input: asArtifact(input), output: asArtifact(output) };
	if (fields.metadataJson)
		body.metadata = validator.jsonObject(fields.metadataJson, 'Metadata (JSON)');
	return await client.call('POST', `/threads/${threadId}/messages`, {
		body,
		itemIndex,
		expect: object('the new message', { message_id: 'id' }),
		unclear:
			"It may have been added: look at the thread's messages (Message > Get Many) before creating it again.",
	});
}
