import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readId, segment } from '../../../shared/parameters';
import type { HaufeClient } from '../../transport';
import { buildAnswerBody, describeRequest, requestAnswer, unclearAnswer } from '../answers';

/** Shared by Run and Run Streamed: they differ only in how the answer arrives. */
export async function runThread(
	this: IExecuteFunctions,
	itemIndex: number,
	client: HaufeClient,
	streamed: boolean,
) {
	const threadId = readId(this, 'threadId', itemIndex, 'Thread');
	const body = buildAnswerBody.call(this, itemIndex, client, {});
	const path = `/threads/${segment(this.getNode(), itemIndex, threadId, 'Thread')}/run`;
	const { answer, figures } = await requestAnswer.call(this, client, itemIndex, path, body, {
		streamed,
		unclear: unclearAnswer(threadId),
	});
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const { content, ...message } = answer;
	// The answer's text first: the editor's table and JSON views show an item's keys in order.
	return {
		content,
		...message,
		thread_id: answer.thread_id ?? threadId,
		...(figures ?? {}),
		...(options.includeRequest
			? { request: describeRequest('POST', client.url(streamed ? `${path}/stream` : path), body) }
			: {}),
	};
}
