import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { conversationKeyField } from '../../shared/conversation';
import { resourceLocator } from '../../shared/descriptions';
import { readId } from '../../shared/parameters';
import { fromAi, nodeAndTool } from '../../shared/tool';
import { Validator } from '../../shared/validation';

/**
 * The key is hashed into the thread ID, so the app sets no limit: this bound is the package's
 * own, to keep a runaway expression (a whole document as the key) from passing unnoticed.
 */
export const AGENT_CHAT_KEY_MAX = 1000;

/** The namespace of this package's name-based thread IDs (RFC 9562 version 5). */
export const AGENT_CHAT_THREAD_NAMESPACE = '0ff1934d-10ef-467a-b67f-4cb6f83aaf10';

export const threadLocator = resourceLocator({
	displayName: 'Thread',
	name: 'threadId',
	searchListMethod: 'searchThreads',
	placeholder: 'e.g. 550e8400-… (a UUID)',
});

export const modelLocator = resourceLocator({
	displayName: 'Model',
	name: 'modelId',
	searchListMethod: 'searchModels',
	placeholder: 'e.g. 123e4567-… (a UUID)',
	required: false,
	description:
		"The agent to answer. Empty asks the app for its default model. A thread that already ran keeps its own agent, and an upload gives the thread the app's first agent: the app then ignores this.",
});

const threadModeField: INodeProperties = {
	displayName: 'Thread',
	name: 'threadMode',
	type: 'options',
	options: [
		{ name: 'New Thread', value: 'new' },
		{ name: 'Existing Thread', value: 'existing' },
		{
			name: 'By Conversation Key',
			value: 'key',
			description:
				'The thread of a conversation (a chat session ID, a ticket number): the same key always continues the same thread',
		},
	],
	default: 'new',
};

const conversationKey = conversationKeyField({
	maxLength: AGENT_CHAT_KEY_MAX,
	show: { threadMode: ['key'] },
	description:
		"The conversation's key. The thread ID is derived from it (a name-based UUID), and the app keeps threads per user: the same key and login always reach the same thread, with no lookup and no storage.",
});

const existingThread: INodeProperties = {
	...threadLocator,
	displayOptions: { show: { threadMode: ['existing'] } },
};

/** Send and Upload: into an existing thread, or a new one created first. */
export const threadChoiceFields: INodeProperties[] = [
	threadModeField,
	existingThread,
	conversationKey,
];

/**
 * Send Message's: the same, and as a tool, by default a conversation the model may name by its
 * key (optional: without one, the message starts a new conversation whose key the answer names).
 */
export const sendThreadFields: INodeProperties[] = [
	...nodeAndTool(threadModeField, { default: 'key' }),
	existingThread,
	...nodeAndTool(conversationKey, {
		default: fromAi(
			'conversation_key',
			'Optional: the conversation_key of an earlier answer of this tool, to continue that conversation (or any key naming a conversation, e.g. a ticket number). Leave it out to start a new conversation.',
			true,
		),
		required: false,
		description: `The conversation's key; the thread ID is derived from it. By default the model may pass one; empty starts a new conversation under a new key, which the output names. At most ${AGENT_CHAT_KEY_MAX} characters`,
	}),
];

/** A thread ID parameter: the app's thread IDs are UUIDs (anything else makes it fail with a 500 page). */
export function readThreadId(context: IExecuteFunctions, itemIndex: number): string {
	const threadId = readId(context, 'threadId', itemIndex, 'Thread');
	new Validator(context.getNode(), itemIndex).uuid(threadId, 'Thread');
	return threadId;
}
