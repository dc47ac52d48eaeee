import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { simplifyField } from '../../../shared/descriptions';
import { simplified } from '../../../shared/output';
import { readId } from '../../../shared/parameters';
import {
	compactOutputField,
	nodeAndTool,
	runsAsTool,
	toolDescriptionField,
	toolOutput,
} from '../../../shared/tool';
import { Validator } from '../../../shared/validation';
import type { OpenAiThreadsClient } from '../../transport';
import {
	assistantLocator,
	messagesField,
	metadataField,
	threadBody,
	toolResourcesField,
} from '../fields';
import { runBody, threadAndRunOptionsField } from './fields';
import { startRun, waitFields } from './follow';
import { simplifyRun } from './simplify';
import { compactRun, toolQuestion, toolQuestionField } from './tool';

export const TOOL_DESCRIPTION =
	'Asks the OpenAI-compatible assistant one question in a new conversation and returns its answer and the thread_id. Pass the question in full, with everything the assistant needs to know: it does not see earlier calls.';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['createThreadAndRun'] } },
	[
		assistantLocator,
		...nodeAndTool(messagesField, {
			description:
				'Optional messages before the question (earlier turns); the question from the model follows as the last user message',
		}),
		toolQuestionField,
		metadataField,
		toolResourcesField,
		...waitFields,
		simplifyField,
		threadAndRunOptionsField,
		toolDescriptionField(TOOL_DESCRIPTION),
		compactOutputField(),
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: OpenAiThreadsClient,
) {
	const assistantId = readId(this, 'assistantId', itemIndex, 'Assistant');
	const thread = threadBody(this, itemIndex);
	if (runsAsTool(this)) {
		thread.messages = [
			...((thread.messages as IDataObject[] | undefined) ?? []),
			toolQuestion(this, itemIndex),
		];
	}
	const body = runBody(
		this,
		itemIndex,
		{ assistant_id: assistantId, thread },
		'createThreadAndRun',
	);
	// A new thread without a message would be run with nothing to answer.
	const messages = (body.thread as IDataObject | undefined)?.messages;
	if (!Array.isArray(messages) || !messages.length) {
		new Validator(this.getNode(), itemIndex).fail(
			'"Messages" is empty: a new thread needs at least one message to answer',
			'Add the message for the assistant under Messages, e.g. {{ $json.chatInput }} after a Chat Trigger.',
		);
	}
	const run = await startRun.call(this, client, itemIndex, '/threads/runs', body);
	return toolOutput(this, itemIndex, simplified(this, itemIndex, run, simplifyRun), () =>
		compactRun(this, itemIndex, run),
	);
}
