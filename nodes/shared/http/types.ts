import type {
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	Logger,
} from 'n8n-workflow';

import type { ResponseContract } from '../contracts';
import type { ApiErrorInfo, ErrorHints } from '../errors';
import type { RateLimiter } from '../rate-limit';
import type { CancellableContext } from '../wait';
import type { Headers } from './headers';
import type { RetrySettings } from './policy';

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

/** How to authenticate requests with a session the client renewed itself. */
export type RenewedAuth = (options: IHttpRequestOptions) => Promise<IHttpRequestOptions>;

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
	 * For n8n versions that do not renew a session on these statuses themselves: older ones pass a
	 * `reauthenticateOn` status back as a plain response (`ignoreHttpStatusErrors` is a plain flag
	 * there, the `{ ignore, except }` form reads as "ignore all"), and some renew on 401 only
	 * (`preAuthenticationRetryStatusCode` unknown). Then the client renews the session itself: this
	 * logs in again and returns how to authenticate requests with the new session, which the client
	 * uses for its remaining requests (n8n keeps the stored session). Which n8n versions do which
	 * is listed under Compatibility ("Session renewal") in the docs.
	 */
	renewSession?(context: RequestContext): Promise<RenewedAuth>;
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
	headers: Headers;
	body: T;
	/** A retried DELETE found the resource gone: an earlier attempt deleted it. */
	gone?: boolean;
}

/** A response as n8n's helpers return it with `returnFullResponse`. */
export interface FullResponse {
	statusCode: number;
	headers: Headers;
	body: unknown;
}
