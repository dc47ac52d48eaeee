import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { failureError } from '../../../shared/errors';
import { itemJournal } from '../../../shared/journal';
import { readId } from '../../../shared/parameters';
import { Validator } from '../../../shared/validation';
import type { AgentChatClient } from '../../transport';
import { collectReply, storedReply } from '../../transport/reply';
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

/**
 * The thread to use: the chosen one, or a new one (created once, before the message; under
 * "Retry On Fail" the retry reuses the thread the failed try created).
 */
export async function threadFor(this: IExecuteFunctions, client: AgentChatClient, itemIndex: number): Promise<string> {
	return this.getNodeParameter('threadMode', itemIndex, 'new') === 'existing'
		? readId(this, 'threadId', itemIndex, 'Thread')
		: await itemJournal(this, itemIndex).once('thread', async () => await createThread(client, itemIndex));
}

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	const message = String(this.getNodeParameter('message', itemIndex, '') ?? '');
	new Validator(this.getNode(), itemIndex).required(message, 'Message');
	const modelId = readId(this, 'modelId', itemIndex);
	const threadId = await threadFor.call(this, client, itemIndex);
	const body: IDataObject = { message, thread_id: threadId };
	if (modelId) body.model_id = modelId;
	// A retry after a broken reply first looks whether the app stored the reply after all.
	const { answer, ...figures } = await itemJournal(this, itemIndex).once(
		'reply',
		async () => {
			const started = Date.now();
			const lookFirst = `The message may have been stored in thread ${threadId}: look at the thread (Thread > Get) before sending it again.`;
			const stream = await client.stream('/api/threads/runs', body, itemIndex, {}, lookFirst);
			const reply = await collectReply.call(this, stream, itemIndex, { thread_id: threadId }, started);
			// The reply has no end marker, but an agent never answers with nothing.
			if (!reply.answer) {
				throw failureError(this.getNode(), 'empty_reply', 'The agent sent an empty reply', { description: lookFirst, itemIndex });
			}
			return reply;
		},
		async () => await storedReply(client, threadId, message, itemIndex),
	);
	// The answer first: the editor's table and JSON views show an item's keys in order.
	return { answer, thread_id: threadId, message, ...(modelId ? { model_id: modelId } : {}), ...figures };
}
