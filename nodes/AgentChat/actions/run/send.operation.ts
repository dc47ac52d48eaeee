import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { conversationKeyGiven, newConversationKey } from '../../../shared/conversation';
import { itemProgress } from '../../../shared/progress';
import {
	chosenName,
	compactOutputField,
	fromAi,
	nodeAndTool,
	QUESTION_KEY,
	requireQuestion,
	runsAsTool,
	toolDescriptionField,
	toolOutput,
} from '../../../shared/tool';
import { Validator } from '../../../shared/validation';
import type { AgentChatClient } from '../../transport';
import { modelLocator, sendThreadFields } from '../fields';
import { modelFor, sendMessage, threadFor } from './helpers';

/** What a model reads about the tool (the agent is the model picked in the node, or the app's default). */
export const TOOL_DESCRIPTION =
	'Sends a question or message to the agent of this tool (agent chat) and returns its answer with a conversation_key (and the thread_id). Pass the message in full. To continue the conversation, pass that conversation_key again; without one, each call starts a new conversation.';

const properties: INodeProperties[] = [
	...nodeAndTool(
		{
			displayName: 'Message',
			name: 'message',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '={{ $json.message }}',
			required: true,
		},
		{
			default: fromAi(QUESTION_KEY, 'The question or message for the agent, in full sentences'),
			description:
				'The message for the agent. By default the model that calls the tool fills it in ($fromAI).',
		},
	),
	...sendThreadFields,
	modelLocator,
	toolDescriptionField(TOOL_DESCRIPTION),
	compactOutputField(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['send'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	const message = String(this.getNodeParameter('message', itemIndex, '') ?? '');
	if (runsAsTool(this))
		requireQuestion(this, itemIndex, message, 'Message', 'Set the message to send.');
	new Validator(this.getNode(), itemIndex).required(message, 'Message');
	// The thread first: a malformed thread ID is refused before any request is sent. A tool's
	// model may name no conversation: the message then starts one under a new key.
	const newKey =
		runsAsTool(this) &&
		this.getNodeParameter('threadMode', itemIndex, 'new') === 'key' &&
		!conversationKeyGiven(this, itemIndex)
			? // Under "Retry On Fail" the retry keeps the key, so the message goes to the same thread.
				await itemProgress(this, itemIndex).once('conversation_key', async () =>
					newConversationKey(),
				)
			: undefined;
	const threadId = await threadFor.call(this, client, itemIndex, newKey);
	const modelId = await modelFor.call(this, client, itemIndex);
	const { answer, ...figures } = await sendMessage.call(
		this,
		client,
		itemIndex,
		{ threadId, message, modelId },
		{ thread_id: threadId },
	);
	// The answer first: the editor's table and JSON views show an item's keys in order.
	const full = { answer, thread_id: threadId, message, model_id: modelId, ...figures };
	return toolOutput(this, itemIndex, full, () => ({
		answer,
		conversation_key:
			newKey ??
			(this.getNodeParameter('threadMode', itemIndex, 'new') === 'key'
				? String(this.getNodeParameter('conversationKey', itemIndex, ''))
				: undefined),
		thread_id: threadId,
		agent: chosenName(this, 'modelId', itemIndex),
	}));
}
