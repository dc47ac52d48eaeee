import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId } from '../../../shared/parameters';
import { Validator } from '../../../shared/validation';
import type { AgentChatClient } from '../../transport';
import { collectReply } from '../../transport/reply';
import { modelLocator, threadChoiceFields } from '../fields';
import { createThread } from '../thread/create.operation';

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

export const description = updateDisplayOptions({ show: { resource: ['run'], operation: ['send'] } }, properties);

/** The thread to use: the chosen one, or a new one (created once, before the message). */
export async function threadFor(this: IExecuteFunctions, client: AgentChatClient, itemIndex: number): Promise<string> {
	return this.getNodeParameter('threadMode', itemIndex, 'new') === 'existing'
		? readId(this, 'threadId', itemIndex, 'Thread')
		: await createThread(client, itemIndex);
}

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	const message = String(this.getNodeParameter('message', itemIndex, '') ?? '');
	new Validator(this.getNode(), itemIndex).required(message, 'Message');
	const modelId = readId(this, 'modelId', itemIndex);
	const threadId = await threadFor.call(this, client, itemIndex);
	const body: IDataObject = { message, thread_id: threadId };
	if (modelId) body.model_id = modelId;
	const started = Date.now();
	const stream = await client.stream('/api/threads/runs', body, itemIndex);
	const { answer, ...figures } = await collectReply.call(this, stream, itemIndex, { thread_id: threadId }, started);
	// The answer first: the editor's table and JSON views show an item's keys in order.
	return { answer, thread_id: threadId, message, ...(modelId ? { model_id: modelId } : {}), ...figures };
}
