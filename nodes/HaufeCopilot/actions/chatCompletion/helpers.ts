import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readId } from '../../../shared/parameters';
import { chosenName, requireQuestion, runsAsTool, toolOutput } from '../../../shared/tool';
import { Validator } from '../../../shared/validation';
import type { HaufeClient } from '../../transport';
import {
	buildAnswerBody,
	compactSources,
	describeRequest,
	HAUFE_ATTRIBUTION,
	requestAnswer,
	unclearAnswer,
} from '../answers';
import { MAX_CONTENT_LENGTH } from '../fields';
import { requireMetaData } from '../requirements';

/** Shared by Create and Create Streamed. */
export async function completeChat(
	this: IExecuteFunctions,
	itemIndex: number,
	client: HaufeClient,
	streamed: boolean,
) {
	const validator = new Validator(this.getNode(), itemIndex);
	const assistantId = readId(this, 'assistantId', itemIndex, 'Assistant');
	const messages = ((this.getNodeParameter('messages', itemIndex, {}) as IDataObject).values ??
		[]) as IDataObject[];
	const asTool = runsAsTool(this);
	if (asTool) {
		// The model's question, after the messages the user set up (a system message, say).
		const question = String(this.getNodeParameter('question', itemIndex, '') ?? '');
		requireQuestion(this, itemIndex, question, 'Question', 'Set the question to ask.');
		messages.push({ role: 'user', content: question });
	}
	if (!messages.length) validator.fail('"Messages" needs at least one message');
	messages.forEach((message, index) => {
		validator.required(message.content, `Messages ${index + 1} > Content`);
		validator.maxLength(
			String(message.content),
			`Messages ${index + 1} > Content`,
			MAX_CONTENT_LENGTH,
		);
		if (message.role === 'system' && index > 0)
			validator.fail(`Messages ${index + 1}: a system message is only allowed first`);
	});
	const userId =
		(this.getNodeParameter('userId', itemIndex, '') as string).trim() ||
		String(client.credentials.userId ?? '').trim();
	validator.uuid(userId, 'User ID');
	const threadId = (this.getNodeParameter('threadId', itemIndex, '') as string).trim();

	const base: IDataObject = {
		assistant_id: assistantId,
		messages: messages.map(({ role, content }) => ({ role, content })),
		meta_data: {},
	};
	if (userId) base.user_id = userId;
	const body = buildAnswerBody.call(this, itemIndex, client, base);
	await requireMetaData.call(
		this,
		client,
		itemIndex,
		typeof body.assistant_id === 'string' ? body.assistant_id : assistantId,
		body,
		{ extraJson: 'Additional Body (JSON)' },
	);
	const qs = threadId ? { thread_id: threadId } : undefined;
	const { answer, figures } = await requestAnswer.call(
		this,
		client,
		itemIndex,
		'/chat/completions',
		body,
		{
			streamed,
			qs,
			unclear: unclearAnswer(threadId || undefined),
		},
	);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const path = streamed ? '/chat/completions/stream' : '/chat/completions';
	const { content, ...message } = answer;
	// The answer's text first: the editor's table and JSON views show an item's keys in order.
	const full = {
		content,
		...message,
		...(figures ?? {}),
		...(options.includeRequest
			? {
					request: describeRequest(
						'POST',
						client.url(path) + (threadId ? `?thread_id=${encodeURIComponent(threadId)}` : ''),
						body,
					),
				}
			: {}),
	};
	return toolOutput(this, itemIndex, full, () => ({
		answer: content,
		sources: compactSources(answer.sources),
		attribution: HAUFE_ATTRIBUTION,
		thread_id: threadId || undefined,
		assistant: chosenName(this, 'assistantId', itemIndex),
	}));
}
