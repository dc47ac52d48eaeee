import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { oneLine } from '../../../../credentials/shared/text';
import { clamp, RANGES } from '../../../shared/bounds';
import { checkId, readId, segment } from '../../../shared/parameters';
import { itemProgress, withProgress } from '../../../shared/progress';
import { streamSourcesOption } from '../../../shared/sources';
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
import type { HaufeClient } from '../../transport';
import {
	buildAnswerBody,
	compactSources,
	HAUFE_ATTRIBUTION,
	requestAnswer,
	storedAnswer,
	unclearAnswer,
} from '../answers';
import {
	additionalBodyField,
	assistantLocator,
	licenceField,
	MAX_CONTENT_LENGTH,
	userIdField,
} from '../fields';
import { postMessage } from '../message/helpers';
import { requireMetaData } from '../requirements';
import { createThread } from '../thread/helpers';

export const MAX_CONCURRENCY = RANGES.concurrency.max;

const properties: INodeProperties[] = [
	assistantLocator,
	...nodeAndTool(
		{
			displayName: 'Question',
			name: 'question',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '={{ $json.question }}',
			required: true,
			description:
				'The question of this item, at most 30,000 characters. Each input item is one question.',
		},
		{
			default: fromAi(
				QUESTION_KEY,
				'The question for the Haufe Copilot assistant, in full sentences (German or English), with everything it needs to know',
			),
			description:
				'The question, at most 30,000 characters. By default the model that calls the tool fills it in ($fromAI).',
		},
	),
	...nodeAndTool(
		{
			displayName: 'Thread ID',
			name: 'threadId',
			type: 'string',
			default: '',
			description:
				'Ask in this existing thread (a follow-up question). Empty creates a new thread per question.',
		},
		{
			default: fromAi(
				'thread_id',
				'Optional: the thread_id of an earlier answer of this tool, to ask a follow-up question in that conversation. Leave it out for a new conversation.',
				true,
			),
			description:
				'Ask in this existing thread (a follow-up question). By default the model may pass the thread_id of an earlier answer; empty starts a new thread.',
		},
	),
	licenceField,
	userIdField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			additionalBodyField,
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
				default: 1,
				description: `How many questions are asked at the same time (1–${MAX_CONCURRENCY}; other values, e.g. from an expression, are clamped). The rate limits of Request Options still apply, and the output keeps the input order.`,
			},
			{
				displayName: 'Stream Answer',
				name: 'streamed',
				type: 'boolean',
				default: false,
				description:
					'Whether to use the streaming endpoint; when the workflow streams its webhook response, the answer is forwarded as it is generated',
			},
			{
				...streamSourcesOption,
				description:
					'Whether, with Stream Answer on and a streamed webhook response, the answer is followed by its sources and "Powered by Haufe" (as Haufe\'s terms require), sent after the text as plain text. The text itself is never changed.',
			},
			{
				displayName: 'Thread Title',
				name: 'title',
				type: 'string',
				default: '',
				description: 'Title of new threads. Empty uses the start of the question.',
			},
		],
	},
];

/** What a model reads about the tool (the assistant is the one picked in the node). */
export const TOOL_DESCRIPTION =
	'Asks the Haufe Copilot assistant of this tool a question and returns its answer, the sources it is based on (document title and section) and a thread_id. Pass the question in full. To ask a follow-up in the same conversation, pass that thread_id again; without it, each call starts a new conversation.';

export const description = updateDisplayOptions(
	{ show: { resource: ['question'], operation: ['ask'] } },
	[...properties, toolDescriptionField(TOOL_DESCRIPTION), compactOutputField()],
);

export function concurrency(this: IExecuteFunctions): number {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	return Math.floor(
		clamp(options.concurrency, RANGES.concurrency, 'Options > Concurrency', this.logger),
	);
}

/**
 * One item, one question: a thread (new or given), the question as a user message, one run.
 * Each step runs once; if a later step fails, the error item says what was already created
 * so that nothing has to be done twice. Under "Retry On Fail" the retry reuses the finished
 * steps, and before running the question again it looks whether the failed try's answer was
 * stored after all (a dropped connection or a cut stream after the model answered).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const validator = new Validator(this.getNode(), itemIndex);
	const question = String(this.getNodeParameter('question', itemIndex, '') ?? '');
	if (runsAsTool(this))
		requireQuestion(this, itemIndex, question, 'Question', 'Set the question to ask.');
	validator.required(question, 'Question');
	validator.maxLength(question, 'Question', MAX_CONTENT_LENGTH);
	const assistantId = readId(this, 'assistantId', itemIndex, 'Assistant');
	const givenThread = (this.getNodeParameter('threadId', itemIndex, '') as string).trim();
	// An existing thread is checked before anything is created or sent.
	if (givenThread) checkId(this.getNode(), itemIndex, givenThread, 'Thread ID');
	const userId = (this.getNodeParameter('userId', itemIndex, '') as string).trim();
	validator.uuid(userId || client.credentials.userId, 'User ID');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body = buildAnswerBody.call(
		this,
		itemIndex,
		client,
		{},
		'licenceId',
		'options.additionalBodyJson',
	);
	// What the assistant requires is checked before the thread and the question exist.
	await requireMetaData.call(this, client, itemIndex, assistantId, body, {
		extraJson: 'Options > Additional Body (JSON)',
	});

	const steps = itemProgress(this, itemIndex);
	const progress: IDataObject = {};
	try {
		let threadId = givenThread;
		if (!threadId) {
			const title = String(options.title || oneLine(question).slice(0, 80));
			const thread = await steps.once(
				'thread',
				async () =>
					await createThread.call(this, client, itemIndex, { assistantId, title, userId }),
			);
			threadId = String(thread.id);
		}
		progress.thread_id = threadId;
		const message = await steps.once(
			'message',
			async () =>
				await postMessage.call(this, client, itemIndex, threadId, {
					role: 'user',
					content: question,
				}),
		);
		progress.user_message_id = message.id;
		const { answer, figures } = await steps.once(
			'answer',
			async () =>
				await requestAnswer.call(
					this,
					client,
					itemIndex,
					`/threads/${segment(this.getNode(), itemIndex, threadId, 'Thread ID')}/run`,
					body,
					{
						streamed: options.streamed === true,
						unclear: unclearAnswer(threadId),
					},
				),
			async () => await storedAnswer(client, threadId, String(message.id), itemIndex),
		);
		// The answer first: the editor's table and JSON views show an item's keys in order.
		const full = {
			answer: answer.content,
			question,
			sources: answer.sources,
			meta_data: answer.meta_data,
			thread_id: threadId,
			message_id: answer.id,
			user_message_id: message.id,
			...(figures ?? {}),
		};
		return toolOutput(this, itemIndex, full, () => ({
			answer: answer.content,
			sources: compactSources(answer.sources),
			attribution: HAUFE_ATTRIBUTION,
			thread_id: threadId,
			assistant: chosenName(this, 'assistantId', itemIndex),
		}));
	} catch (error) {
		throw withProgress(error as Error, { question, ...progress });
	}
}
