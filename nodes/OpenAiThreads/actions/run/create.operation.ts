import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { simplifyField } from '../../../shared/descriptions';
import { simplified } from '../../../shared/output';
import { pathId, readId } from '../../../shared/parameters';
import { itemProgress } from '../../../shared/progress';
import {
	compactOutputField,
	fromAi,
	nodeAndTool,
	runsAsTool,
	toolDescriptionField,
	toolOutput,
} from '../../../shared/tool';
import type { OpenAiThreadsClient } from '../../transport';
import { assistantLocator, threadIdField } from '../fields';
import { runBody, runOptionsField } from './fields';
import { startRun, waitFields } from './follow';
import { simplifyRun } from './simplify';
import { compactRun, toolQuestion, toolQuestionField } from './tool';

export const TOOL_DESCRIPTION =
	'Asks the OpenAI-compatible assistant a question and returns its answer and the thread_id. Pass the question in full. To ask a follow-up in the same conversation, pass that thread_id again; without it, each call starts a new conversation.';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['create'] } },
	[
		...nodeAndTool(threadIdField, {
			default: fromAi(
				'thread_id',
				'Optional: the thread_id of an earlier answer of this tool, to ask a follow-up question in that conversation. Leave it out for a new conversation.',
				true,
			),
			required: false,
			description:
				'The thread to run. By default the model may pass the thread_id of an earlier answer; empty starts a new thread with the question.',
		}),
		assistantLocator,
		toolQuestionField,
		...waitFields,
		simplifyField,
		runOptionsField,
		toolDescriptionField(TOOL_DESCRIPTION),
		compactOutputField(),
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: OpenAiThreadsClient,
) {
	const asTool = runsAsTool(this);
	// As a tool, the model's question goes with the run; with no thread named, into a new one.
	const question = asTool ? toolQuestion(this, itemIndex) : undefined;
	const givenThread = asTool
		? String(this.getNodeParameter('threadId', itemIndex, '') ?? '').trim()
		: undefined;
	const threadId = givenThread === '' ? '' : pathId(this, 'threadId', 'Thread ID', itemIndex);
	const assistantId = readId(this, 'assistantId', itemIndex, 'Assistant');
	const body = runBody(this, itemIndex, { assistant_id: assistantId }, 'createRun');
	let path = `/threads/${threadId}/runs`;
	if (question && threadId) {
		const given = Array.isArray(body.additional_messages) ? body.additional_messages : [];
		body.additional_messages = [...(given as IDataObject[]), question];
	} else if (question) {
		// Created once: under "Retry On Fail" the retry runs the thread the failed try created.
		const thread = await itemProgress(this, itemIndex).once(
			'thread',
			async () =>
				await client.call<IDataObject>('POST', '/threads', {
					body: { messages: [question] },
					itemIndex,
					expect: object('the new thread', { id: 'id' }),
					unclear:
						'A thread may have been created; the API cannot list threads, so it can only be found through its ID.',
				}),
		);
		path = `/threads/${encodeURIComponent(String(thread.id))}/runs`;
	}
	const run = await startRun.call(this, client, itemIndex, path, body);
	return toolOutput(this, itemIndex, simplified(this, itemIndex, run, simplifyRun), () =>
		compactRun(this, itemIndex, run),
	);
}
