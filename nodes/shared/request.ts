import type {
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	Logger,
} from 'n8n-workflow';

import type { ErrorHints } from './errors';
import { apiError, failureError, networkError, rateLimitTimeout } from './errors';
import type { RateLimiter } from './rate-limiter';
import type { ByteStream } from './streams';
import { readStreamToBuffer } from './streams';
import type { CancellableContext } from './wait';
import { ExecutionCancelledError, isCancelled, waitFor } from './wait';

/** The part of n8n's execution contexts (execute, poll, load options) that sends requests. */
export interface RequestContext extends CancellableContext {
	getNode(): INode;
	helpers: {
		httpRequestWithAuthentication(
			this: unknown,
			credentialsType: string,
			requestOptions: IHttpRequestOptions,
			additionalCredentialOptions?: { preAuthenticationRetryStatusCode?: number | number[] },
		): Promise<unknown>;
		httpRequest?(requestOptions: IHttpRequestOptions): Promise<unknown>;
	};
	logger?: Logger;
}

/** What the shared core needs to know about one API. */
export interface ServiceDefinition {
	/** Shown in messages, e.g. "Haufe Copilot". */
	name: string;
	credentialType: string;
	/** What to do about each of the API's error codes. */
	hints: ErrorHints;
	/**
	 * Statuses that mean "log in again" for credentials that hold a session (their
	 * `preAuthentication` renews it). n8n then renews the session and repeats the request once.
	 */
	reauthenticateOn?: number[];
	/**
	 * A code for an error the API reports as plain text (`{"error": "…"}`), so that `hints` can
	 * say what to do about it.
	 */
	codeFor?(status: number, detail: string): string | undefined;
}

export interface RetrySettings {
	/** Retries after the first attempt. */
	maxRetries: number;
	/** Per attempt; a stream counts until its headers arrive. */
	timeoutMs: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** A Retry-After longer than this is not waited for: the error is reported instead. */
	maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
	maxRetries: 3,
	timeoutMs: 120_000,
	baseDelayMs: 500,
	maxDelayMs: 15_000,
	maxRetryAfterMs: 120_000,
};

/** The retry settings a node's "Request Options" collection asks for. */
export function retrySettingsFrom(options: IDataObject): Partial<RetrySettings> {
	const retry: Partial<RetrySettings> = {};
	if (options.maxRetries !== undefined) retry.maxRetries = Number(options.maxRetries);
	if (options.timeout !== undefined) retry.timeoutMs = Number(options.timeout) * 1000;
	return retry;
}

export type ResponseType = 'json' | 'stream' | 'buffer';

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Absolute URL. */
	url: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[] | Buffer | string;
	headers?: IDataObject;
	responseType?: ResponseType;
	/**
	 * Whether sending the request twice is harmless. Defaults to true for GET, HEAD, PUT and
	 * DELETE. A POST that creates something or generates an answer is not: it is retried only
	 * when the server certainly did not act on it (429, 503 with Retry-After, refused connection).
	 */
	idempotent?: boolean;
	limiter?: RateLimiter;
	itemIndex?: number;
	/** Send without the credential (e.g. to a pre-signed storage URL that must not see the key). */
	anonymous?: boolean;
	/** Override the API client's retry settings for this request. */
	retry?: Partial<RetrySettings>;
}

export interface ApiResponse<T = unknown> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: T;
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** Errors Node.js raises when the request never reached the server: always safe to retry. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN']);
/** Errors after which the server may have acted: retried only when the request is idempotent. */
const MAYBE_SENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ERR_BAD_RESPONSE']);
const IDEMPOTENT_STATUS_RETRY = new Set([408, 500, 502, 503, 504]);
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const raw = String(text).trim();
	if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
	const date = Date.parse(raw);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with full jitter, so parallel workers do not retry in lockstep. */
export function backoffDelay(attempt: number, settings: RetrySettings, random = Math.random): number {
	const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** attempt);
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function headerValue(headers: FullResponse['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/** Finds the Node.js error code inside whatever n8n wrapped it in. */
function errorCode(error: unknown): string | undefined {
	let current = error as { code?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && /^[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause as typeof current;
	}
	const message = String((error as Error)?.message ?? '');
	if (/timeout/i.test(message)) return 'ECONNABORTED';
	if (/socket hang up|aborted/i.test(message)) return 'ECONNRESET';
	return undefined;
}

/** The most specific message in a chain of wrapped errors. */
function innermostMessage(error: unknown): string {
	let message = String((error as Error)?.message ?? error);
	let current = (error as { cause?: unknown })?.cause;
	for (let depth = 0; current && depth < 5; depth++) {
		if (current instanceof Error && current.message) message = current.message;
		current = (current as { cause?: unknown }).cause;
	}
	return message;
}

/** The HTTP response inside an error that n8n's request layer threw for a status, if any. */
function statusResponseOf(error: unknown): FullResponse | undefined {
	let current = error as { response?: { status?: number; headers?: FullResponse['headers']; data?: unknown }; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		const status = current.response?.status;
		if (typeof status === 'number') {
			return { statusCode: status, headers: current.response?.headers ?? {}, body: current.response?.data };
		}
		current = current.cause as typeof current;
	}
	return undefined;
}

function describeTarget(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.origin}${parsed.pathname}`;
	} catch {
		return url;
	}
}

/**
 * Every HTTP call of every node goes through here: authentication by n8n's credential
 * machinery, client-side rate limiting, retries that never duplicate work, and one way of
 * turning failures into clear node errors.
 */
export class ApiClient {
	readonly retry: RetrySettings;

	/** Counts requests sent (including retries), for the figures the nodes report. */
	requestsSent = 0;

	constructor(
		private readonly context: RequestContext,
		readonly service: ServiceDefinition,
		retry: Partial<RetrySettings> = {},
	) {
		this.retry = { ...DEFAULT_RETRY, ...retry };
	}

	get node(): INode {
		return this.context.getNode();
	}

	async request<T = unknown>(request: ApiRequest): Promise<ApiResponse<T>> {
		const settings = { ...this.retry, ...request.retry };
		const idempotent = request.idempotent ?? IDEMPOTENT_METHODS.has(request.method);
		const target = `${request.method} ${describeTarget(request.url)}`;

		// Rate limiting (issue 14): 429s do not count against maxRetries; they are retried for as
		// long as the time limit (the Timeout request option) allows, counted from the first try.
		const startedAt = Date.now();
		let refusals = 0;
		for (let attempt = 0; ; attempt++) {
			if (isCancelled(this.context)) throw new ExecutionCancelledError();
			// The ticket tells the limiter when the request went out and how it ended (`settle`).
			const ticket = await request.limiter?.acquire(this.context);

			let response: FullResponse | undefined;
			let failure: unknown;
			try {
				response = await this.send(request, settings);
			} catch (error) {
				failure = error;
			}
			// A status n8n had to see as an error (to renew a session) and that stayed an error.
			response ??= statusResponseOf(failure);
			if (!response) {
				if (isCancelled(this.context)) throw new ExecutionCancelledError();
				const code = errorCode(failure);
				request.limiter?.settle(ticket, { notSent: code !== undefined && NOT_SENT_CODES.has(code) });
				if (!code) {
					// Not the network: e.g. the credential could not log in. Its own words say why.
					throw failureError(this.node, 'request_failed', `${this.service.name}: ${innermostMessage(failure)}`, {
						itemIndex: request.itemIndex,
						description: `While sending ${target}`,
					});
				}
				const retryable = NOT_SENT_CODES.has(code) || (idempotent && MAYBE_SENT_CODES.has(code));
				if (retryable && attempt < settings.maxRetries) {
					await this.pauseBeforeRetry(target, code, backoffDelay(attempt, settings), attempt);
					continue;
				}
				throw networkError(this.node, this.service.name, code, describeTarget(request.url), request.itemIndex);
			}

			const retryAfter = parseRetryAfter(headerValue(response.headers, 'retry-after'));
			// A 429 frees its slot, lowers the rate and pauses every user of the limiter for Retry-After.
			request.limiter?.settle(ticket, { status: response.statusCode, headers: response.headers, retryAfterMs: retryAfter });
			if (response.statusCode < 400) return response as ApiResponse<T>;

			const body = await this.readErrorBody(response);
			const status = response.statusCode;
			// 429, and 503 with Retry-After, mean the server turned the request away unprocessed.
			const refused = status === 429 || (status === 503 && retryAfter !== undefined);
			const retryable = refused || (idempotent && IDEMPOTENT_STATUS_RETRY.has(status));
			const delay = retryAfter ?? backoffDelay(attempt, settings);
			if (status === 429) {
				// The server did not act: safe to send again, until the time limit is over.
				refusals++;
				// Retry-After 0 (or none) from a server that keeps refusing: a growing pause, not a busy loop.
				const wait = Math.max(delay, Math.min(1000, 25 * (refusals - 1)));
				if (Date.now() + wait - startedAt <= settings.timeoutMs) {
					attempt--;
					await this.pauseBeforeRetry(target, `HTTP ${status}`, wait, refusals - 1);
					continue;
				}
				throw rateLimitTimeout(this.node, this.service.name, target, refusals, Date.now() - startedAt, request.itemIndex);
			}
			if (retryable && attempt < settings.maxRetries && delay <= settings.maxRetryAfterMs) {
				await this.pauseBeforeRetry(target, `HTTP ${status}`, delay, attempt);
				continue;
			}
			throw apiError(this.node, {
				service: this.service.name,
				status,
				body,
				hints: this.service.hints,
				itemIndex: request.itemIndex,
				operation: target,
				codeFor: this.service.codeFor,
			});
		}
	}

	private async send(request: ApiRequest, settings: RetrySettings): Promise<FullResponse> {
		const responseType = request.responseType ?? 'json';
		const isBinaryBody = Buffer.isBuffer(request.body) || typeof request.body === 'string';
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			qs: request.qs,
			body: request.body as IHttpRequestOptions['body'],
			headers: request.headers,
			json: responseType === 'json' && !isBinaryBody,
			returnFullResponse: true,
			// Status handling (retries, error mapping) is ours, not the HTTP layer's, except for
			// the statuses n8n must see as errors to renew a session.
			ignoreHttpStatusErrors: this.service.reauthenticateOn
				? { ignore: true, except: this.service.reauthenticateOn }
				: true,
			timeout: settings.timeoutMs,
		};
		if (responseType === 'stream') options.encoding = 'stream';
		if (responseType === 'buffer') options.encoding = 'arraybuffer';
		this.requestsSent++;
		if (request.anonymous) {
			if (!this.context.helpers.httpRequest) throw new Error('This context cannot send plain requests');
			return (await this.context.helpers.httpRequest(options)) as FullResponse;
		}
		return (await this.context.helpers.httpRequestWithAuthentication.call(
			this.context,
			this.service.credentialType,
			options,
			this.service.reauthenticateOn ? { preAuthenticationRetryStatusCode: this.service.reauthenticateOn } : undefined,
		)) as FullResponse;
	}

	private async readErrorBody(response: FullResponse): Promise<unknown> {
		const { body } = response;
		if (body && typeof (body as ByteStream)[Symbol.asyncIterator] === 'function' && !Array.isArray(body)) {
			// An error body cut short still leaves the status code to report.
			return await readStreamToBuffer(body as ByteStream).then(
				(buffer) => buffer.toString('utf8'),
				() => undefined,
			);
		}
		return body;
	}

	private async pauseBeforeRetry(target: string, reason: string, delay: number, attempt: number) {
		this.context.logger?.warn(
			`${this.service.name}: ${target} failed with ${reason}; retry ${attempt + 1} in ${delay} ms`,
		);
		await waitFor(this.context, delay);
	}
}
