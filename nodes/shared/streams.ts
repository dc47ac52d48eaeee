import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { isObject } from '../../credentials/shared/text';
import { formatDuration } from './errors';
import type { CancellableContext } from './wait';
import { ExecutionCancelledError, isCancelled } from './wait';

/**
 * A response body as n8n's HTTP layer hands it over with `encoding: 'stream'` (a Node.js
 * IncomingMessage). Described structurally: community nodes may not import Node's modules.
 */
export interface ByteStream extends AsyncIterable<Uint8Array | string> {
	destroy(error?: Error): unknown;
	/** IncomingMessage: false when the connection closed before the body was complete. */
	complete?: boolean;
}

/** UTF-8 decoding that keeps a multi-byte character split over two chunks intact. */
class Utf8Decoder {
	private readonly decoder = new TextDecoder('utf-8');

	write(chunk: Uint8Array | string): string {
		return typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
	}

	end(): string {
		return this.decoder.decode();
	}
}

/**
 * A stream that broke off (`interrupted`), ended cleanly before its protocol's end
 * (`incomplete`), sent something that cannot be parsed (`malformed`), or carried an error (`api`).
 */
export class StreamError extends Error {
	constructor(
		message: string,
		readonly kind: 'interrupted' | 'incomplete' | 'malformed' | 'api',
		readonly detail?: IDataObject,
	) {
		super(message);
		this.name = 'StreamError';
	}
}

/**
 * Splits text arriving in arbitrary chunks into lines. Survives any chunk boundary: inside
 * a multi-byte UTF-8 character (the decoder holds the partial bytes), between CR and LF,
 * or in the middle of a line.
 */
export class LineSplitter {
	private readonly decoder = new Utf8Decoder();

	private pending = '';

	private lastWasCR = false;

	push(chunk: Uint8Array | string): string[] {
		let text = this.decoder.write(chunk);
		// A CRLF split over two chunks: the LF belongs to the line the CR already ended.
		if (this.lastWasCR && text.startsWith('\n')) text = text.slice(1);
		this.lastWasCR = text.endsWith('\r');
		const parts = (this.pending + text).split(/\r\n|\r|\n/);
		this.pending = parts.pop() ?? '';
		return parts;
	}

	/** The last line, when the stream did not end with a newline. */
	end(): string[] {
		const rest = this.pending + this.decoder.end();
		this.pending = '';
		return rest ? [rest] : [];
	}
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return NOT_JSON;
	}
}

/** An SSE `data:` field holding one JSON object; anything else (keep-alives, markers) is undefined. */
export function parseJsonObject(text: string): IDataObject | undefined {
	const value = parseJson(text);
	return isObject(value) ? value : undefined;
}

/** Newline-delimited JSON: one object per line; blank lines are skipped. */
export class NdjsonParser {
	private readonly lines = new LineSplitter();

	private lineNumber = 0;

	push(chunk: Uint8Array | string): IDataObject[] {
		return this.parse(this.lines.push(chunk));
	}

	end(): IDataObject[] {
		return this.parse(this.lines.end());
	}

	private parse(lines: string[]): IDataObject[] {
		const objects: IDataObject[] = [];
		for (const line of lines) {
			this.lineNumber++;
			if (!line.trim()) continue;
			const value = parseJson(line);
			if (value === NOT_JSON) {
				throw new StreamError(
					`Line ${this.lineNumber} of the stream is not valid JSON: ${line.slice(0, 120)}`,
					'malformed',
				);
			}
			if (typeof value !== 'object' || value === null || Array.isArray(value)) {
				throw new StreamError(
					`Line ${this.lineNumber} of the stream is not a JSON object`,
					'malformed',
				);
			}
			objects.push(value as IDataObject);
		}
		return objects;
	}
}

export interface SseEvent {
	/** `message` when the server named none. */
	event: string;
	data: string;
	id?: string;
}

/**
 * Server-sent events as the HTML standard defines them: `data:` lines joined by newlines,
 * `event:` and `id:` fields, comments (`:`) and unknown fields ignored, an event dispatched
 * at each blank line, CR, LF or CRLF line ends.
 */
export class SseParser {
	private readonly lines = new LineSplitter();

	private data: string[] = [];

	private event = '';

	private id: string | undefined;

	push(chunk: Uint8Array | string): SseEvent[] {
		return this.consume(this.lines.push(chunk));
	}

	/** A stream may close without a final blank line: what was collected still counts. */
	end(): SseEvent[] {
		return this.consume([...this.lines.end(), '']);
	}

	private consume(lines: string[]): SseEvent[] {
		const events: SseEvent[] = [];
		for (const line of lines) {
			if (line === '') {
				if (this.data.length) {
					events.push({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
				}
				this.data = [];
				this.event = '';
				continue;
			}
			if (line.startsWith(':')) continue;
			const colon = line.indexOf(':');
			const field = colon === -1 ? line : line.slice(0, colon);
			let value = colon === -1 ? '' : line.slice(colon + 1);
			if (value.startsWith(' ')) value = value.slice(1);
			if (field === 'data') this.data.push(value);
			else if (field === 'event') this.event = value;
			else if (field === 'id') this.id = value;
		}
		return events;
	}
}

/** Raw text deltas (no framing): only decodes UTF-8 safely across chunk boundaries. */
export class TextDeltaDecoder {
	private readonly decoder = new Utf8Decoder();

	push(chunk: Uint8Array | string): string {
		return this.decoder.write(chunk);
	}

	end(): string {
		return this.decoder.end();
	}
}

/**
 * Yields the chunks of a response body. A connection that breaks before the body ended
 * raises a StreamError of kind `interrupted`, never a silent, short end.
 */
export async function* readChunks(stream: ByteStream): AsyncGenerator<Uint8Array | string> {
	const iterator = stream[Symbol.asyncIterator]();
	for (;;) {
		let next: IteratorResult<Uint8Array | string>;
		let failure: Error | undefined;
		try {
			next = await iterator.next();
		} catch (error) {
			failure = error as Error;
			next = { done: true, value: undefined };
		}
		if (failure) {
			if (failure instanceof StreamError || failure instanceof ExecutionCancelledError)
				throw failure;
			const code = (failure as Error & { code?: string }).code ?? failure.message;
			throw new StreamError(`The stream broke off before it ended (${code})`, 'interrupted');
		}
		if (next.done) break;
		yield next.value;
	}
	// An HTTP/1.1 body cut mid-way can end like a normal one; Node marks it as not complete.
	if (stream.complete === false)
		throw new StreamError('The stream broke off before it ended', 'interrupted');
}

// How often a stream that sends nothing is checked for its idle limit and for cancellation.
const IDLE_CHECK_MS = 200;

/**
 * The same stream, but one that sends nothing for `idleMs` (or is still open at `endAt`)
 * breaks off with a StreamError of kind `interrupted` instead of hanging: once a response's
 * headers arrived, the HTTP layer's timeout no longer applies to its body. A cancelled
 * execution stops reading too.
 */
export function withIdleLimit(
	stream: ByteStream,
	idleMs: number,
	context: CancellableContext,
	endAt = Infinity,
): ByteStream {
	const limited: ByteStream = {
		destroy: (error?: Error) => stream.destroy(error),
		get complete() {
			return stream.complete;
		},
		[Symbol.asyncIterator]() {
			const iterator = stream[Symbol.asyncIterator]();
			return {
				async next() {
					const pending = iterator.next();
					const started = Date.now();
					for (;;) {
						const result = await Promise.race([
							pending,
							sleep(IDLE_CHECK_MS).then(() => undefined),
						]);
						if (result) return result;
						if (isCancelled(context)) {
							stream.destroy();
							pending.catch(() => undefined);
							throw new ExecutionCancelledError();
						}
						const now = Date.now();
						if (now - started >= idleMs || now >= endAt) {
							stream.destroy();
							pending.catch(() => undefined);
							throw new StreamError(
								now >= endAt
									? 'The time for the stream is up'
									: `The stream stalled: nothing arrived for ${formatDuration(idleMs)}`,
								'interrupted',
							);
						}
					}
				},
				async return() {
					stream.destroy();
					return { done: true, value: undefined };
				},
			};
		},
	};
	return limited;
}

/** The whole body, or its first `maxBytes` (the rest is not read: the stream is closed). */
/**
 * Waits for the first piece of a stream and returns a stream that yields it again, then the
 * rest. A stream that breaks before its first piece throws (the caller can treat that as the
 * request failing: nothing of the answer was read); one that ends at once is returned empty.
 */
export async function withFirstChunk(stream: ByteStream): Promise<ByteStream> {
	const iterator = stream[Symbol.asyncIterator]();
	const first = await iterator.next();
	let delivered = false;
	return {
		destroy: (error?: Error) => stream.destroy(error),
		get complete() {
			return stream.complete;
		},
		[Symbol.asyncIterator]() {
			return {
				async next() {
					if (!delivered) {
						delivered = true;
						return first;
					}
					return await iterator.next();
				},
				async return() {
					stream.destroy();
					return { done: true, value: undefined };
				},
			};
		},
	};
}

export async function readStreamToBuffer(stream: ByteStream, maxBytes = Infinity): Promise<Buffer> {
	const parts: Buffer[] = [];
	let size = 0;
	for await (const chunk of readChunks(stream)) {
		parts.push(Buffer.from(chunk));
		size += parts[parts.length - 1].length;
		if (size >= maxBytes) {
			stream.destroy();
			break;
		}
	}
	return Buffer.concat(parts);
}
