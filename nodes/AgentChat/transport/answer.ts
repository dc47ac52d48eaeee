import type { IDataObject, IExecuteFunctions, NodeApiError } from 'n8n-workflow';

import { failureError } from '../../shared/errors';
import type { StreamFigures } from '../../shared/forward';
import { AnswerForwarder } from '../../shared/forward';
import { withProgress } from '../../shared/progress';
import type { ByteStream } from '../../shared/streams';
import { readChunks, StreamError, TextDeltaDecoder } from '../../shared/streams';
import type { AgentChatClient } from './index';

/**
 * The app writes errors into the text stream itself: `"\n[Stream Error]: <error>\n"`
 * (`grit/agent/aviews.py`, and the agents' `process_chat` in `openai_agent.py` and
 * `claude_agent.py`).
 */
const STREAM_ERROR_MARKER = '[Stream Error]';

/**
 * An exhausted budget is this sentence, sent as the whole text instead of an answer
 * (`process_chat` in `grit/agent/openai_agent.py` and `claude_agent.py`); nothing is stored.
 */
export const BILLING_SENTENCE =
	'You have run out of units. Please purchase more units to continue using the service.';

/** What makes a streamed text no answer: the inline error marker, or the billing sentence. */
export type AnswerProblem =
	| { kind: 'stream_error'; detail: string; partial: string }
	| { kind: 'billing'; sentence: string };

export function answerProblem(text: string): AnswerProblem | undefined {
	const markerAt = text.indexOf(STREAM_ERROR_MARKER);
	if (markerAt !== -1) {
		const detail = text
			.slice(markerAt + STREAM_ERROR_MARKER.length)
			.replace(/^\s*:\s*/, '')
			.trim();
		return { kind: 'stream_error', detail, partial: text.slice(0, markerAt).trim() };
	}
	if (text.trim() === BILLING_SENTENCE) return { kind: 'billing', sentence: BILLING_SENTENCE };
	return undefined;
}

/**
 * How much of an answer received so far may go to a streaming webhook: nothing while the text
 * could still be the billing sentence, and never text that could be the start of the marker.
 */
function forwardable(text: string): number {
	if (BILLING_SENTENCE.startsWith(text.trimStart())) return 0;
	return Math.max(0, text.length - STREAM_ERROR_MARKER.length);
}

export interface AgentAnswer extends StreamFigures {
	answer: string;
}

/**
 * The answer the thread already holds to `message`, if the thread's last user message is that
 * message and an assistant message with text follows it: used before a message is sent again,
 * so that an answer the app stored despite a broken stream is not produced twice. After a stream
 * error the app stores an assistant message with `content: null`: that is no answer.
 */
export async function storedAnswer(
	client: AgentChatClient,
	threadId: string,
	message: string,
	itemIndex: number,
): Promise<AgentAnswer | undefined> {
	const messages = await client.threadMessages(threadId, itemIndex);
	// Never stored: the message did not arrive.
	if (!messages) return undefined;
	const asked = messages.map((entry) => entry.role).lastIndexOf('user');
	if (asked < 0 || messages[asked].content !== message) return undefined;
	const stored = messages
		.slice(asked + 1)
		.find((entry) => entry.role === 'assistant' && typeof entry.content === 'string');
	const answer = String(stored?.content ?? '').trim();
	if (!answer || answerProblem(answer)) return undefined;
	return { answer, chunks: 0, time_to_first_chunk_ms: null, duration_ms: 0 };
}

/** A node error for a streamed text that is no answer, with what was done before it. */
function problemError(
	this: IExecuteFunctions,
	problem: AnswerProblem,
	itemIndex: number,
	progress: IDataObject,
	upload = false,
): NodeApiError {
	if (problem.kind === 'billing') {
		return withProgress(
			failureError(
				this.getNode(),
				'billing',
				`${upload ? 'The app did not take the file' : 'The agent did not answer'} because the account ran out of units: “${problem.sentence}”`,
				{
					description:
						'The app refuses every message and upload of this user until more units are purchased; nothing was stored in the thread.',
					itemIndex,
				},
			),
			progress,
		);
	}
	const detail = problem.detail || 'no details';
	if (upload) {
		return withProgress(
			failureError(this.getNode(), 'stream_error', `The app could not read the file: ${detail}`, {
				description:
					'The app stores PDFs and images, page by page, as images in the thread; a file it cannot open is refused like this. Convert other documents to PDF first.',
				itemIndex,
			}),
			progress,
		);
	}
	return withProgress(
		failureError(
			this.getNode(),
			'stream_error',
			`The agent reported an error while answering: ${detail}`,
			{
				description:
					'The agent failed mid-answer; the partial text is discarded (the app stores the answer as empty). Retry later, or pick another model.',
				itemIndex,
			},
		),
		{ ...progress, partial_answer: problem.partial },
	);
}

/**
 * Collects a raw-text answer stream into one answer, forwarding the text as it arrives when the
 * workflow streams its webhook response. Text that could be the start of the inline error
 * marker, or of the billing sentence, is held back until it is clear, so neither ever reaches
 * the caller as answer text.
 */
export async function collectAnswer(
	this: IExecuteFunctions,
	stream: ByteStream,
	itemIndex: number,
	progress: IDataObject,
	started = Date.now(),
): Promise<AgentAnswer> {
	const forwarder = new AnswerForwarder(this, itemIndex, started);
	const decoder = new TextDeltaDecoder();
	let text = '';
	let forwarded = 0;
	const flush = (upTo: number) => {
		if (upTo > forwarded) forwarder.send(text.slice(forwarded, upTo));
		forwarded = Math.max(forwarded, upTo);
	};

	forwarder.begin();
	try {
		for await (const chunk of readChunks(stream)) {
			const piece = decoder.push(chunk);
			if (!piece) continue;
			forwarder.received();
			text += piece;
			if (text.includes(STREAM_ERROR_MARKER)) break;
			flush(forwardable(text));
		}
		text += decoder.end();
	} catch (error) {
		stream.destroy();
		const broken = error instanceof StreamError ? error.message : String(error);
		// Workflows and users match on this message: it keeps its wording.
		throw forwarder.brokeOff("The agent's answer stream", {
			kind: 'interrupted',
			description: `${broken}. The message may have been stored in the thread: look at the thread before sending it again.`,
			progress,
		});
	}

	const problem = answerProblem(text);
	if (problem) {
		stream.destroy();
		throw problemError.call(this, problem, itemIndex, progress);
	}
	flush(text.length);
	forwarder.end();
	return { answer: text.trim(), ...forwarder.figures() };
}

/**
 * The answer to a file upload. The app stores the file in the thread and answers `text/plain`
 * with an empty body (`upload_files` in `grit/agent/aviews.py`): there is no answer to collect.
 * The inline error marker or the billing sentence instead is an error; any other text (an app
 * with its own agent class may write some) is returned as it is.
 */
export async function readUploadAnswer(
	this: IExecuteFunctions,
	stream: ByteStream,
	itemIndex: number,
	progress: IDataObject,
): Promise<string> {
	const decoder = new TextDeltaDecoder();
	let text = '';
	try {
		for await (const chunk of readChunks(stream)) text += decoder.push(chunk);
		text += decoder.end();
	} catch (error) {
		stream.destroy();
		const broken = error instanceof StreamError ? error.message : String(error);
		throw withProgress(
			failureError(this.getNode(), 'interrupted', "The app's answer to the upload broke off", {
				description: `${broken}. The file may have been stored: look at the thread before uploading it again.`,
				itemIndex,
			}),
			progress,
		);
	}
	const problem = answerProblem(text);
	if (problem) throw problemError.call(this, problem, itemIndex, progress, true);
	return text.trim();
}
