import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { object } from '../../shared/contracts';
import { failureError } from '../../shared/errors';
import { withProgress } from '../../shared/router';
import type { ByteStream } from '../../shared/streams';
import { readChunks, StreamError, TextDeltaDecoder } from '../../shared/streams';
import type { AgentChatClient } from './index';

/** The app writes errors into the text stream itself. */
const STREAM_ERROR_MARKER = '[Stream Error]';

/**
 * An exhausted budget arrives as a plain sentence instead of an answer (its exact wording is
 * unverified): a short reply that is only about usage limits is read as that stop.
 */
const BILLING_STOP = /\b(usage|budget|billing|credits?|quota)\b[^.]*\b(limit|exceeded|exhausted|reached|used up)\b|\b(limit|exceeded|exhausted|reached)\b[^.]*\b(usage|budget|billing|credits?|quota)\b/i;

function isBillingStop(answer: string): boolean {
	return answer.length < 300 && BILLING_STOP.test(answer);
}

export interface Reply extends IDataObject {
	answer: string;
	chunks: number;
	time_to_first_chunk_ms: number | null;
	duration_ms: number;
}

/**
 * The reply the thread already holds to `message`, if the thread's last user message is that
 * message and an assistant message follows it: used before a message is sent again, so that a
 * reply the app stored despite a broken stream is not produced twice.
 */
export async function storedReply(client: AgentChatClient, threadId: string, message: string, itemIndex: number): Promise<Reply | undefined> {
	const thread = await client
		.call<IDataObject>('POST', '/api/threads/', {
			body: { thread_id: threadId },
			itemIndex,
			idempotent: true,
			expect: object('the thread', { messages: 'array' }),
		})
		.catch((error: Error) => error);
	// Never stored: the message did not arrive.
	if (thread instanceof NodeApiError && thread.httpCode === '404') return undefined;
	if (thread instanceof Error) throw thread;
	const messages = Array.isArray(thread.messages) ? (thread.messages as IDataObject[]) : [];
	const asked = messages.map((entry) => entry.role).lastIndexOf('user');
	if (asked < 0 || messages[asked].content !== message) return undefined;
	const reply = messages.slice(asked + 1).find((entry) => entry.role === 'assistant' && typeof entry.content === 'string');
	const answer = String(reply?.content ?? '').trim();
	// An error or a usage stop stored as the reply is no answer: sending again reports it as such.
	if (!answer || answer.includes(STREAM_ERROR_MARKER) || isBillingStop(answer)) return undefined;
	return { answer, chunks: 0, time_to_first_chunk_ms: null, duration_ms: 0 };
}

/**
 * Collects a raw-text reply into one answer, forwarding the text as it arrives when the
 * workflow streams its webhook response. Text that could be the start of the inline error
 * marker is held back until it is clear, so an error never reaches the caller as answer text.
 */
export async function collectReply(
	this: IExecuteFunctions,
	stream: ByteStream,
	itemIndex: number,
	progress: IDataObject,
	started = Date.now(),
): Promise<Reply> {
	const forward = this.isStreaming?.() === true;
	const decoder = new TextDeltaDecoder();
	let text = '';
	let forwarded = 0;
	let chunks = 0;
	let firstChunkAt: number | undefined;
	const flush = (upTo: number) => {
		if (forward && upTo > forwarded) void this.sendChunk('item', itemIndex, text.slice(forwarded, upTo));
		forwarded = Math.max(forwarded, upTo);
	};

	if (forward) void this.sendChunk('begin', itemIndex);
	try {
		for await (const chunk of readChunks(stream)) {
			const piece = decoder.push(chunk);
			if (!piece) continue;
			chunks++;
			firstChunkAt ??= Date.now();
			text += piece;
			if (text.includes(STREAM_ERROR_MARKER)) break;
			flush(Math.max(0, text.length - STREAM_ERROR_MARKER.length));
		}
		text += decoder.end();
	} catch (error) {
		stream.destroy();
		const broken = error instanceof StreamError ? error.message : String(error);
		throw withProgress(
			failureError(this.getNode(), 'interrupted', `The agent's reply broke off after ${chunks} chunks; no answer is reported`, { description: `${broken}. The message may have been stored in the thread: look at the thread before sending it again.`, itemIndex }),
			progress,
		);
	}

	const markerAt = text.indexOf(STREAM_ERROR_MARKER);
	if (markerAt !== -1) {
		stream.destroy();
		const detail = text.slice(markerAt + STREAM_ERROR_MARKER.length).replace(/^\s*:\s*/, '').trim();
		throw withProgress(
			failureError(this.getNode(), 'stream_error', `The agent reported an error while answering: ${detail || 'no details'}`, { description: 'The agent failed mid-answer; the partial text is discarded. Retry later, or pick another model.', itemIndex }),
			{ ...progress, partial_answer: text.slice(0, markerAt).trim() },
		);
	}
	const answer = text.trim();
	if (isBillingStop(answer)) {
		throw withProgress(
			failureError(this.getNode(), 'billing', `The agent did not answer because of a usage limit: ${answer}`, { description: 'The account\'s budget is used up: ask its administrator to raise it.', itemIndex }),
			progress,
		);
	}
	flush(text.length);
	if (forward) void this.sendChunk('end', itemIndex);
	return {
		answer,
		chunks,
		time_to_first_chunk_ms: firstChunkAt === undefined ? null : firstChunkAt - started,
		duration_ms: Date.now() - started,
	};
}
