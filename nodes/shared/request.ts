import type {
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	Logger,
} from 'n8n-workflow';

import { clamp, RANGES } from './bounds';
import type { ResponseContract } from './contracts';
import { contractViolation, streamViolation } from './contracts';
import type { ApiErrorInfo, ErrorHints } from './errors';
import {
	apiError,
	contractError,
	describeBody,
	failureError,
	formatDuration,
	isQuotaError,
	networkError,
	rateLimitTimeout,
} from './errors';
import type { RateLimiter } from './rate-limiter';
import type { ByteStream } from './streams';
import { readStreamToBuffer, StreamError, withFirstChunk, withIdleLimit } from './streams';
import type { CancellableContext } from './wait';
import { ExecutionCancelledError, isCancelled, waitFor } from './wait';

/** The part of n8n's execution contexts (execute, poll, load options) that sends requests. */
export interface RequestContext extends CancellableContext {
	getNode(): INode;
	getNodeParameter?(name: string, itemIndex: number, fallback?: unknown): unknown;
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
	/** Names a code for errors whose body has none (e.g. an expired session), so a hint applies. */
	classify?: (status: number, info: ApiErrorInfo) => string | undefined;
	/**
	 * Compatibility with n8n before 2.40. Before 2.10 (e.g. 1.123.x, 2.0.x) `ignoreHttpStatusErrors`
	 * is a plain flag (the `{ ignore, except }` form reads as "ignore all"), so a
	 * `reauthenticateOn` status comes back as a plain response and n8n renews nothing; before
	 * 2.40 `preAuthenticationRetryStatusCode` is unknown, so n8n renews on 401 only. Then the
	 * client renews the session itself: this logs in again and returns how to authenticate
	 * requests with the new session, which the client uses for its remaining requests (n8n
	 * keeps the stored session).
	 */
	renewSession?(context: RequestContext): Promise<(options: IHttpRequestOptions) => Promise<IHttpRequestOptions>>;
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

/**
 * The retry settings a node's "Request Options" collection asks for, clamped to their ranges
 * whatever an expression gave (a Timeout of 0 or −1 would otherwise mean none at all).
 */
export function retrySettingsFrom(options: IDataObject, logger?: Pick<Logger, 'warn'>): Partial<RetrySettings> {
	const retry: Partial<RetrySettings> = {};
	if (options.maxRetries !== undefined) {
		retry.maxRetries = Math.round(clamp(options.maxRetries, RANGES.maxRetries, 'Request Options > Max Retries', logger));
	}
	if (options.timeout !== undefined) {
		retry.timeoutMs = clamp(options.timeout, RANGES.timeoutSeconds, 'Request Options > Timeout (Seconds)', logger) * 1000;
	}
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
	/** What the operation needs from a successful response; anything else is an error. */
	expect: ResponseContract;
	/**
	 * When the operation must be over (e.g. the end of a wait): retries, backoff and Retry-After
	 * waits that would end later are not taken.
	 */
	deadline?: number;
	/** A stream body that sends nothing for this long breaks off (default: the timeout). */
	idleTimeoutMs?: number;
	/**
	 * For requests that are not safe to repeat: what to look at when they failed without a clear
	 * answer (they may have been carried out), e.g. "look at the thread's messages".
	 */
	unclear?: string;
	/**
	 * A DELETE retried after an unclear failure that now answers 404 was done by the earlier
	 * attempt: the response is then a success with `gone: true` and no body.
	 */
	goneMeansDone?: boolean;
}

export interface ApiResponse<T = unknown> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: T;
	/** A retried DELETE found the resource gone: an earlier attempt deleted it. */
	gone?: boolean;
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** Errors Node.js raises when the request never reached the server: always safe to retry. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN']);
/**
 * Errors after which the server may have acted: retried only when the request is idempotent.
 * ERR_BAD_RESPONSE: the body was cut off after the headers arrived.
 */
const MAYBE_SENT_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ERR_BAD_RESPONSE',
	'ERR_STREAM_PREMATURE_CLOSE',
]);
const IDEMPOTENT_STATUS_RETRY = new Set([408, 500, 502, 503, 504]);
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** What is read of an error body (or a page where a stream was expected), at most. */
const ERROR_BODY_BYTES = 64 * 1024;

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
	const message = innermostMessage(error);
	if (/timeout/i.test(message)) return 'ECONNABORTED';
	if (/stream has been aborted|premature close/i.test(message)) return 'ERR_BAD_RESPONSE';
	if (/socket hang up|aborted|ECONNRESET/i.test(message)) return 'ECONNRESET';
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

/**
 * The HTTP response inside an error that n8n's request layer threw, if any. An error status
 * is one that n8n had to see as an error (to renew a session); a successful status means the
 * body broke off after the headers arrived (n8n then reports ERR_BAD_RESPONSE with it).
 */
function responseOf(error: unknown): FullResponse | undefined {
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

function contentTypeOf(headers: FullResponse['headers']): string | undefined {
	return headerValue(headers ?? {}, 'content-type');
}

/** The node's operation ("thread: create"), for messages; empty where the context has none. */
function operationOf(context: RequestContext): string | undefined {
	try {
		const resource = context.getNodeParameter?.('resource', 0, '');
		const operation = context.getNodeParameter?.('operation', 0, '') || context.getNodeParameter?.('event', 0, '');
		if (typeof operation !== 'string' || !operation) return undefined;
		return typeof resource === 'string' && resource ? `${resource}: ${operation}` : operation;
	} catch {
		return undefined;
	}
}

function describeTarget(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.origin}${parsed.pathname}`;
	} catch {
		return url;
	}
}

/** A stream response whose body broke off (or stayed silent) before its first byte. */
class StreamBrokeAtOnce extends Error {
	constructor(readonly code: 'ERR_BAD_RESPONSE' | 'ETIMEDOUT') {
		super(code);
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

	/** A session this client renewed itself (older n8n, see `ServiceDefinition.renewSession`). */
	private renewedAuth?: (options: IHttpRequestOptions) => Promise<IHttpRequestOptions>;

	constructor(
		private readonly context: RequestContext,
		readonly service: ServiceDefinition,
		retry: Partial<RetrySettings> = {},
	) {
		this.retry = { ...DEFAULT_RETRY, ...retry };
	}

	/** The per-attempt timeout, for operations that bound their own reads by it. */
	get timeoutMs(): number {
		return this.retry.timeoutMs;
	}

	get node(): INode {
		return this.context.getNode();
	}

	async request<T = unknown>(request: ApiRequest): Promise<ApiResponse<T>> {
		const settings = { ...this.retry, ...request.retry };
		const idempotent = request.idempotent ?? IDEMPOTENT_METHODS.has(request.method);
		const target = describeTarget(request.url);
		const described = `${request.method} ${target}`;
		// For a request that is not safe to repeat: set once it may have been carried out.
		const unclear = idempotent ? undefined : (request.unclear ?? '');
		// An earlier attempt failed without an answer: the server may have acted on it.
		let maybeActed = false;

		let renewed = false;
		// A 429 (not a quota stop) is retried beyond Max Retries: the server did not act on the
		// request, so sending it again is safe while the time limit (the Timeout request option,
		// counted from the first try) lasts. Other workers may be using the same budget.
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
			const inside = failure ? responseOf(failure) : undefined;
			// A status n8n had to see as an error (to renew a session) and that stayed an error.
			if (!response && inside && inside.statusCode >= 400) response = inside;
			if (!response) {
				const code = errorCode(failure) ?? (inside ? 'ERR_BAD_RESPONSE' : undefined);
				// A request that never reached the server used up none of its budget.
				request.limiter?.settle(ticket, { notSent: code !== undefined && NOT_SENT_CODES.has(code) });
				if (isCancelled(this.context)) throw new ExecutionCancelledError();
				if (!code) {
					// Not the network: e.g. the credential could not log in. Its own words say why.
					throw failureError(this.node, 'request_failed', `${this.service.name}: ${innermostMessage(failure)}`, {
						itemIndex: request.itemIndex,
						description: `While sending ${described}`,
					});
				}
				const retryable = NOT_SENT_CODES.has(code) || (idempotent && MAYBE_SENT_CODES.has(code));
				if (MAYBE_SENT_CODES.has(code)) maybeActed = true;
				const delay = backoffDelay(attempt, settings);
				if (retryable && attempt < settings.maxRetries && this.fits(delay, request)) {
					await this.pauseBeforeRetry(described, code, delay, attempt);
					continue;
				}
				throw networkError(this.node, {
					service: this.service.name,
					code,
					method: request.method,
					target,
					itemIndex: request.itemIndex,
					// A successful status whose body broke off after the headers.
					status: inside && inside.statusCode < 400 ? inside.statusCode : undefined,
					timeoutMs: settings.timeoutMs,
					attempts: attempt + 1,
					unclear,
				});
			}

			const status = response.statusCode;
			const retryAfter = parseRetryAfter(headerValue(response.headers, 'retry-after'));
			// A Retry-After longer than a request may take, or than the operation has left, is not
			// waited for: the error says how long the API asked to wait.
			const tooLong =
				retryAfter !== undefined && (retryAfter > Math.min(settings.maxRetryAfterMs, settings.timeoutMs) || !this.fits(retryAfter, request));
			// The limiter learns when the server counted the request: a 429 frees its slot, lowers the
			// rate and pauses every user of the limiter for Retry-After (unless that is too long to
			// wait for: then the next request finds out again and reports it).
			request.limiter?.settle(ticket, { status, headers: response.headers, retryAfterMs: tooLong ? undefined : retryAfter });

			if (status < 400) {
				const broke = await this.accept<T>(response, request, settings, unclear).then(
					(accepted) => ({ accepted, code: undefined }),
					(error: Error) => {
						if (error instanceof StreamBrokeAtOnce) return { accepted: undefined, code: error.code };
						throw error;
					},
				);
				if (broke.accepted) return broke.accepted;
				const accepted = { code: broke.code ?? 'ERR_BAD_RESPONSE' };
				// A stream whose body broke (or stayed silent) before its first byte: the request
				// failed and nothing of the answer was read.
				maybeActed = true;
				const delay = backoffDelay(attempt, settings);
				if (idempotent && attempt < settings.maxRetries && this.fits(delay, request)) {
					await this.pauseBeforeRetry(described, accepted.code, delay, attempt);
					continue;
				}
				throw networkError(this.node, {
					service: this.service.name,
					code: accepted.code,
					method: request.method,
					target,
					itemIndex: request.itemIndex,
					status: accepted.code === 'ERR_BAD_RESPONSE' ? response.statusCode : undefined,
					timeoutMs: request.idleTimeoutMs ?? settings.timeoutMs,
					attempts: attempt + 1,
					unclear,
				});
			}

			if (request.goneMeansDone && maybeActed && (status === 404 || status === 410)) {
				await this.readErrorBody(response);
				return { statusCode: status, headers: response.headers, body: undefined as T, gone: true };
			}
			const body = await this.readErrorBody(response);

			// Older n8n (see `ServiceDefinition.renewSession`): a "log in again" status that came
			// back as a response was not seen by n8n (before 2.10); one other than 401 that came
			// back as an error was not renewed by it (2.10 to 2.39: only 401 is). Renew once and
			// resend; the renewal takes no retry away. (From 2.40 on n8n has renewed already: a
			// session still refused costs one more login before the error is reported.)
			const renewable = !failure || response.statusCode !== 401;
			if (renewable && !renewed && this.service.renewSession && this.service.reauthenticateOn?.includes(response.statusCode)) {
				renewed = true;
				try {
					this.renewedAuth = await this.service.renewSession(this.context);
				} catch (error) {
					throw failureError(this.node, 'request_failed', `${this.service.name}: ${innermostMessage(error)}`, {
						itemIndex: request.itemIndex,
						description: `While logging in again for ${target}`,
					});
				}
				attempt--;
				continue;
			}
			// 429, and 503 with Retry-After, mean the server turned the request away unprocessed;
			// but a quota or billing stop does not pass by waiting.
			const quota = isQuotaError(status, body);
			const refused = !quota && (status === 429 || (status === 503 && retryAfter !== undefined));
			const retryable = refused || (!quota && idempotent && IDEMPOTENT_STATUS_RETRY.has(status));
			const delay = retryAfter ?? backoffDelay(attempt, settings);
			if (status === 429 && refused && !tooLong) {
				refusals++;
				// Retry-After 0 (or none) from a server that keeps refusing: a growing pause, not a busy loop.
				const wait = Math.max(delay, Math.min(1000, 25 * (refusals - 1)));
				if (Date.now() + wait - startedAt <= settings.timeoutMs && this.fits(wait, request)) {
					// Refusals do not use up Max Retries.
					attempt--;
					await this.pauseBeforeRetry(described, `HTTP ${status}`, wait, refusals - 1);
					continue;
				}
				throw rateLimitTimeout(this.node, this.service.name, described, refusals, Date.now() - startedAt, request.itemIndex);
			}
			if (retryable && attempt < settings.maxRetries && !tooLong && this.fits(delay, request)) {
				await this.pauseBeforeRetry(described, `HTTP ${status}`, delay, attempt);
				continue;
			}
			throw apiError(this.node, {
				service: this.service.name,
				status,
				body,
				hints: this.service.hints,
				itemIndex: request.itemIndex,
				operation: described,
				classify: this.service.classify,
				retryAfterMs: retryable && tooLong ? retryAfter : undefined,
				notRetried: quota ? 'It was not retried.' : undefined,
				unclear: refused ? undefined : unclear,
			});
		}
	}

	/** Whether waiting `delay` before the next attempt still ends before the request's deadline. */
	private fits(delay: number, request: ApiRequest): boolean {
		return request.deadline === undefined || Date.now() + delay < request.deadline;
	}

	/** A successful response, if it is what the operation needs (see contracts.ts). */
	private async accept<T>(
		response: FullResponse,
		request: ApiRequest,
		settings: RetrySettings,
		unclear: string | undefined,
	): Promise<ApiResponse<T>> {
		const contract = request.expect;
		const contentType = contentTypeOf(response.headers);
		const fail = (problem: string) =>
			contractError(this.node, {
				service: this.service.name,
				operation: operationOf(this.context),
				method: request.method,
				target: describeTarget(request.url),
				status: response.statusCode,
				what: contract.what,
				problem,
				itemIndex: request.itemIndex,
				unclear,
			});
		if (request.responseType === 'stream') {
			const body = response.body as ByteStream;
			if (streamViolation(contract, contentType)) {
				const page = await this.readErrorBody(response);
				throw fail(`got ${describeBody(page, contentType)}`);
			}
			const limited = withIdleLimit(body, request.idleTimeoutMs ?? settings.timeoutMs, this.context, request.deadline);
			// Only a stream that delivered something is an answer that arrived; one cut right after
			// its headers is a failed request (retried when that is safe).
			const started = await withFirstChunk(limited).catch((error: Error) => {
				if (error instanceof ExecutionCancelledError) throw error;
				const stalled = error instanceof StreamError && /stalled|time for the stream/.test(error.message);
				throw new StreamBrokeAtOnce(stalled ? 'ETIMEDOUT' : 'ERR_BAD_RESPONSE');
			});
			return { ...response, body: started as T };
		}
		const problem = contractViolation(contract, response.body, contentType);
		if (problem) throw fail(problem);
		return response as ApiResponse<T>;
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
		if (request.anonymous || this.renewedAuth) {
			if (!this.context.helpers.httpRequest) throw new Error('This context cannot send plain requests');
			const sent = request.anonymous || !this.renewedAuth ? options : await this.renewedAuth(options);
			return (await this.context.helpers.httpRequest(sent)) as FullResponse;
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
		if (body && typeof (body as ByteStream)[Symbol.asyncIterator] === 'function' && !Array.isArray(body) && !Buffer.isBuffer(body)) {
			// An error body cut short, or one that never ends, still leaves the status code to report.
			const limited = withIdleLimit(body as ByteStream, Math.min(this.retry.timeoutMs, 10_000), this.context);
			return await readStreamToBuffer(limited, ERROR_BODY_BYTES).then(
				(buffer) => buffer.toString('utf8'),
				() => undefined,
			);
		}
		return body;
	}

	private async pauseBeforeRetry(target: string, reason: string, delay: number, attempt: number) {
		this.context.logger?.warn(
			`${this.service.name}: ${target} failed with ${reason}; retry ${attempt + 1} in ${delay < 10_000 ? `${delay} ms` : formatDuration(delay)}`,
		);
		await waitFor(this.context, delay);
	}
}
