import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { nameBasedUuid, readConversationKey } from '../../../shared/conversation';
import { failureError } from '../../../shared/errors';
import { readId } from '../../../shared/parameters';
import { itemProgress } from '../../../shared/progress';
import { Validator } from '../../../shared/validation';
import type { AgentChatClient } from '../../transport';
import type { AgentAnswer } from '../../transport/answer';
import { collectAnswer, storedAnswer } from '../../transport/answer';
import { AGENT_CHAT_KEY_MAX, AGENT_CHAT_THREAD_NAMESPACE, readThreadId } from '../fields';
import { createThread } from '../thread/helpers';

/**
 * The thread to use: the chosen one, or a new one (created once, before the message; under
 * "Retry On Fail" the retry reuses the thread the failed try created).
 */
export async function threadFor(
	this: IExecuteFunctions,
	client: AgentChatClient,
	itemIndex: number,
	newKey?: string,
): Promise<string> {
	const mode = this.getNodeParameter('threadMode', itemIndex, 'new');
	if (mode === 'existing') return readThreadId(this, itemIndex);
	// A new conversation under a key the caller did not name (a tool's model that named none).
	if (newKey !== undefined) return nameBasedUuid(AGENT_CHAT_THREAD_NAMESPACE, newKey);
	// The app keeps a thread per user and thread ID and creates it at its first message
	// (ConversationMemory, unique together with the user; get_or_create): a thread ID derived
	// from the key needs no lookup, and two executions with one key reach the same thread.
	if (mode === 'key')
		return nameBasedUuid(
			AGENT_CHAT_THREAD_NAMESPACE,
			readConversationKey(this, itemIndex, AGENT_CHAT_KEY_MAX),
		);
	return await itemProgress(this, itemIndex).once(
		'thread',
		async () => await createThread(client, itemIndex),
	);
}

/** The model to name: the chosen one, or the app's default (the app requires one). */
export async function modelFor(
	this: IExecuteFunctions,
	client: AgentChatClient,
	itemIndex: number,
): Promise<string> {
	const chosen = readId(this, 'modelId', itemIndex);
	if (!chosen) return await client.defaultModel(itemIndex);
	new Validator(this.getNode(), itemIndex).uuid(chosen, 'Model');
	return chosen;
}

/**
 * Sends a message into a thread and collects the answer. A retry after a broken answer stream
 * first looks whether the app stored the answer after all.
 */
export async function sendMessage(
	this: IExecuteFunctions,
	client: AgentChatClient,
	itemIndex: number,
	request: { threadId: string; message: string; modelId: string },
	progress: IDataObject,
): Promise<AgentAnswer> {
	const body: IDataObject = {
		message: request.message,
		thread_id: request.threadId,
		model_id: request.modelId,
	};
	return await itemProgress(this, itemIndex).once(
		'answer',
		async () => {
			const started = Date.now();
			const lookFirst = `The message may have been stored in thread ${request.threadId}: look at the thread (Thread > Get) before sending it again.`;
			const stream = await client.stream('/api/threads/runs', body, itemIndex, {}, lookFirst);
			const collected = await collectAnswer.call(this, stream, itemIndex, progress, started);
			// The stream has no end marker, but an agent never answers with nothing.
			if (!collected.answer) {
				throw failureError(this.getNode(), 'empty_answer', 'The agent sent an empty answer', {
					description: lookFirst,
					itemIndex,
				});
			}
			return collected;
		},
		async () => await storedAnswer(client, request.threadId, request.message, itemIndex),
	);
}
