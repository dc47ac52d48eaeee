import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { object } from '../../shared/contracts';
import { apiError, failureError } from '../../shared/errors';
import type { StreamFigures } from '../../shared/forward';
import { AnswerForwarder } from '../../shared/forward';
import { withProgress } from '../../shared/progress';
import type { SourceLine } from '../../shared/sources';
import { excerpt, formatSources } from '../../shared/sources';
import type { ByteStream } from '../../shared/streams';
import { NdjsonParser, readChunks, StreamError } from '../../shared/streams';
import { mergeBody, Validator } from '../../shared/validation';
import { ExecutionCancelledError } from '../../shared/wait';
import type { HaufeClient } from '../transport';
import { HAUFE_SERVICE } from '../transport';

/** The answer of a run or chat completion, the same whether it was streamed or not. */
export interface Answer extends IDataObject {
	id: string;
	thread_id: string | null;
	role: string;
	content: string;
	sources: IDataObject[];
	meta_data: IDataObject;
	created_at?: string;
}

/** Licence and extra JSON of the run and chat operations, merged into the request body. */
export function buildAnswerBody(
	this: IExecuteFunctions,
	itemIndex: number,
	client: HaufeClient,
	base: IDataObject,
	licenceParameter = 'licenceId',
	extraParameter = 'additionalBodyJson',
): IDataObject {
	const validator = new Validator(this.getNode(), itemIndex);
	const licence =
		(this.getNodeParameter(licenceParameter, itemIndex, '') as string).trim() ||
		String(client.credentials.licenceId ?? '').trim();
	const body: IDataObject = { ...base };
	if (licence)
		body.meta_data = mergeBody((base.meta_data as IDataObject) ?? {}, { user_data: { licence } });
	const extra = validator.jsonObject(
		this.getNodeParameter(extraParameter, itemIndex, '{}'),
		'Additional Body (JSON)',
	);
	return mergeBody(body, extra);
}

/**
 * The final line of an answer stream: it carries `finish_reason`, or the answer's `meta_data`
 * (and sources). The exact end marker is unverified in the docs; a stream that ends without
 * such a line ended early, and its text is not an answer.
 */
function isFinalLine(line: IDataObject): boolean {
	const finish = line.finish_reason ?? (line.delta as IDataObject | undefined)?.finish_reason;
	const meta = line.meta_data;
	return (
		(typeof finish === 'string' && finish !== '') ||
		(typeof meta === 'object' && meta !== null && !Array.isArray(meta))
	);
}

/**
 * Reads an NDJSON answer stream into one answer. Lines carry `delta.content`; the final
 * line carries the sources and `meta_data` (see isFinalLine); a line with an `error_code`
 * is an error raised mid-stream. Only a stream that reached its final line is an answer. When the workflow streams its webhook
 * response, each piece of text is forwarded as it arrives and, once the stream ended well,
 * the sources and Haufe's attribution follow (option "Stream Sources After Answer").
 */
export async function collectAnswerStream(
	this: IExecuteFunctions,
	stream: ByteStream,
	itemIndex: number,
	started = Date.now(),
): Promise<{ answer: Answer; figures: StreamFigures }> {
	const forwarder = new AnswerForwarder(this, itemIndex, started);
	const parser = new NdjsonParser();
	const answer: Answer = {
		id: '',
		thread_id: null,
		role: 'assistant',
		content: '',
		sources: [],
		meta_data: {},
	};
	let finished = false;

	const take = (line: IDataObject) => {
		if (typeof line.error_code === 'string' && !line.delta) {
			throw new StreamError(String(line.detail ?? line.error_code), 'api', line);
		}
		if (isFinalLine(line)) finished = true;
		const delta = (line.delta as IDataObject) ?? {};
		const text = typeof delta.content === 'string' ? delta.content : '';
		if (text) {
			forwarder.received();
			answer.content += text;
			forwarder.send(text);
		}
		const sources = (delta.sources ?? line.sources) as IDataObject[] | undefined;
		if (Array.isArray(sources) && sources.length) answer.sources = sources;
		if (line.meta_data && typeof line.meta_data === 'object')
			answer.meta_data = line.meta_data as IDataObject;
		if (typeof line.message_id === 'string') answer.id = line.message_id;
		if (typeof line.thread_id === 'string') answer.thread_id = line.thread_id;
		if (typeof line.created_at === 'string') answer.created_at ??= line.created_at;
		if (typeof delta.role === 'string') answer.role = delta.role;
	};

	forwarder.begin();
	try {
		for await (const chunk of readChunks(stream)) parser.push(chunk).forEach(take);
		parser.end().forEach(take);
		if (!finished) throw new StreamError('The stream ended without its final line', 'incomplete');
	} catch (error) {
		// n8n itself sends the 'error' chunk to the caller when the node fails.
		stream.destroy();
		throw streamFailure.call(this, error as Error, itemIndex, forwarder, answer);
	}
	if (
		forwarder.forwarding &&
		this.getNodeParameter('options.streamSources', itemIndex, true) !== false
	) {
		forwarder.trailer(
			formatSources(
				[{ heading: 'Sources', lines: sourceLines(answer.sources) }],
				HAUFE_ATTRIBUTION,
			),
		);
	}
	forwarder.end();
	return { answer, figures: forwarder.figures() };
}

/**
 * An answer's sources for a model (a tool's compact output): title, section and link, each
 * document once.
 */
export function compactSources(sources: IDataObject[]): IDataObject[] {
	const seen = new Set<string>();
	const compact: IDataObject[] = [];
	for (const line of sourceLines(sources)) {
		const entry: IDataObject = { title: line.title };
		if (line.detail) entry.section = line.detail;
		if (line.url) entry.url = line.url;
		const key = JSON.stringify(entry);
		if (!line.title || seen.has(key)) continue;
		seen.add(key);
		compact.push(entry);
	}
	return compact;
}

/**
 * Haufe's usage guidelines ("Brand Visibility", docs.haufe.ai/usage-guidelines) require every
 * answer to be visibly attributed to Haufe and name "Powered by Haufe" as acceptable wording.
 */
export const HAUFE_ATTRIBUTION = 'Powered by Haufe';

/**
 * A source as the API returns it (`{content, meta_data: {document_title, section}}`): its
 * document title and section; an excerpt of its text when it has no title; a URL only if the
 * source carries one (the API returns document identifiers, not links).
 */
export function sourceLines(sources: IDataObject[]): SourceLine[] {
	return sources.map((source) => {
		const meta = (source.meta_data as IDataObject | undefined) ?? {};
		const text = (value: unknown) => (typeof value === 'string' ? value : '');
		const url = [source.url, meta.url].map(text).find((value) => /^https?:\/\//i.test(value));
		return {
			title:
				text(meta.document_title) ||
				text(source.title) ||
				text(meta.title) ||
				excerpt(source.content),
			detail: text(meta.section),
			url,
		};
	});
}

/** A failed stream is an error, never a partial answer reported as success. */
function streamFailure(
	this: IExecuteFunctions,
	error: Error,
	itemIndex: number,
	forwarder: AnswerForwarder,
	answer: Answer,
): Error {
	// A cancelled execution is not a failed stream.
	if (error instanceof ExecutionCancelledError) return error;
	const chunks = forwarder.chunks;
	const where = answer.thread_id ? ` in thread ${answer.thread_id}` : '';
	if (error instanceof StreamError && error.kind === 'api') {
		return withProgress(
			apiError(this.getNode(), {
				service: HAUFE_SERVICE.name,
				status: 200,
				body: error.detail,
				hints: HAUFE_SERVICE.hints,
				itemIndex,
				operation: 'answer stream',
			}),
			{ chunks_received: chunks },
		);
	}
	const kind = error instanceof StreamError ? error.kind : undefined;
	const description = `The partial text is discarded. The assistant may still have stored a message${where}: look at the thread's messages before running it again.`;
	const progress = {
		chunks_received: chunks,
		...(answer.thread_id ? { thread_id: answer.thread_id } : {}),
	};
	if (kind !== 'malformed' && kind !== 'incomplete') {
		return forwarder.brokeOff('The Haufe Copilot answer stream', {
			kind: kind ?? 'stream_failed',
			description,
			progress,
			detail:
				error instanceof StreamError && /stalled/.test(error.message) ? ` (${error.message})` : '',
		});
	}
	const message =
		kind === 'malformed'
			? `Haufe Copilot sent an unreadable answer stream after ${chunks} chunks: ${error.message}`
			: `The Haufe Copilot answer stream ended after ${chunks} chunks without its final line; no answer is reported`;
	return withProgress(
		failureError(this.getNode(), kind, message, { description, itemIndex }),
		progress,
	);
}

/** The answer as the API returned it, with its fields in a predictable shape. */
export function normaliseAnswer(response: IDataObject): Answer {
	return {
		...response,
		id: String(response.id ?? response.message_id ?? ''),
		thread_id: (response.thread_id as string | null) ?? null,
		role: String(response.role ?? 'assistant'),
		content: String(response.content ?? ''),
		sources: Array.isArray(response.sources) ? (response.sources as IDataObject[]) : [],
		meta_data: (response.meta_data as IDataObject) ?? {},
	};
}

/**
 * The answer the thread already holds to the user message `userMessageId`, if any: the first
 * assistant message after it. Used before a question is run again, so that an answer the
 * service stored despite a failed request (connection dropped, stream cut) is not produced twice.
 */
export async function storedAnswer(
	client: HaufeClient,
	threadId: string,
	userMessageId: string,
	itemIndex: number,
): Promise<{ answer: Answer; figures?: StreamFigures } | undefined> {
	// Newest first: what came after the question is listed before it.
	const newestFirst = await client.paginate(
		`/threads/${encodeURIComponent(threadId)}/messages`,
		{},
		{
			returnAll: false,
			limit: 50,
			itemIndex,
		},
	);
	const questionAt = newestFirst.findIndex((message) => String(message.id) === userMessageId);
	if (questionAt < 0) return undefined;
	const stored = newestFirst
		.slice(0, questionAt)
		.reverse()
		.find((message) => message.role === 'assistant');
	return stored
		? { answer: normaliseAnswer({ ...stored, thread_id: stored.thread_id ?? threadId }) }
		: undefined;
}

/** What to look at when an answer request failed without a clear answer: it may have been answered. */
export function unclearAnswer(threadId: string | undefined): string {
	return threadId
		? `The assistant may have stored an answer in thread ${threadId}: look at the thread's messages (Message > Get Many) before asking again.`
		: 'An answer may have been produced: asking again costs another answer.';
}

/** "Include Request": what was sent, so a run can be seen and reproduced like an HTTP task. */
export function describeRequest(method: string, url: string, body: IDataObject): IDataObject {
	return { method, url, body };
}

/**
 * Asks the API for an answer: plainly, or streamed and collected. Never retried once it
 * may have reached the model (see ApiClient), so one call produces at most one answer.
 */
export async function requestAnswer(
	this: IExecuteFunctions,
	client: HaufeClient,
	itemIndex: number,
	path: string,
	body: IDataObject,
	options: { streamed: boolean; qs?: IDataObject; unclear: string },
): Promise<{ answer: Answer; figures?: StreamFigures }> {
	if (!options.streamed) {
		const response = await client.call<IDataObject>('POST', path, {
			body,
			qs: options.qs,
			itemIndex,
			answer: true,
			expect: object('the answer', { id: 'id', content: 'string' }),
			unclear: options.unclear,
		});
		return { answer: normaliseAnswer(response) };
	}
	const started = Date.now();
	const stream = await client.stream(`${path}/stream`, {
		body,
		qs: options.qs,
		itemIndex,
		unclear: options.unclear,
	});
	return await collectAnswerStream.call(this, stream, itemIndex, started);
}
