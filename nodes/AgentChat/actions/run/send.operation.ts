import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { Validator } from '../../../shared/validation';
import type { AgentChatClient } from '../../transport';
import { modelLocator, threadChoiceFields } from '../fields';
import { modelFor, sendMessage, threadFor } from './helpers';

const properties: INodeProperties[] = [
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '={{ $json.message }}',
		required: true,
	},
	...threadChoiceFields,
	modelLocator,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['send'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	const message = String(this.getNodeParameter('message', itemIndex, '') ?? '');
	new Validator(this.getNode(), itemIndex).required(message, 'Message');
	// The thread first: a malformed thread ID is refused before any request is sent.
	const threadId = await threadFor.call(this, client, itemIndex);
	const modelId = await modelFor.call(this, client, itemIndex);
	const { answer, ...figures } = await sendMessage.call(
		this,
		client,
		itemIndex,
		{ threadId, message, modelId },
		{ thread_id: threadId },
	);
	// The answer first: the editor's table and JSON views show an item's keys in order.
	return { answer, thread_id: threadId, message, model_id: modelId, ...figures };
}
