import type { IHttpRequestOptions } from 'n8n-workflow';

import type { Headers } from './headers';
import type { RetrySettings } from './policy';
import type {
	ApiRequest,
	FullResponse,
	RenewedAuth,
	RequestContext,
	ServiceDefinition,
} from './types';

/** How deep a chain of wrapped errors (n8n wraps the HTTP library's) is searched. */
const MAX_CAUSE_DEPTH = 5;

/** What one attempt brought back: a response, or a failure without one. */
export type Sent =
	/** `viaError`: n8n threw it as an error (a status it had to see as one to renew a session). */
	| { kind: 'response'; response: FullResponse; viaError: boolean }
	/**
	 * `code`: Node.js's error code, when the network failed (none: something else did, e.g. the
	 * credential could not log in). `brokenStatus`: the status of a response whose body broke
	 * off after its headers.
	 */
	| { kind: 'failed'; failure: unknown; code?: string; brokenStatus?: number };

/**
 * Sends one attempt of `request` through n8n's helpers: with the credential, without it
 * (`anonymous`), or with a session this client renewed itself (`renewedAuth`).
 */
export async function send(
	context: RequestContext,
	service: ServiceDefinition,
	request: ApiRequest,
	settings: RetrySettings,
	renewedAuth: RenewedAuth | undefined,
): Promise<Sent> {
	try {
		const response = await callHelper(
			context,
			service,
			request,
			requestOptions(service, request, settings),
			renewedAuth,
		);
		return { kind: 'response', response, viaError: false };
	} catch (failure) {
		const inside = responseOf(failure) ?? sessionStatusOf(failure, service);
		// A status n8n had to see as an error (to renew a session) and that stayed an error.
		if (inside && inside.statusCode >= 400)
			return { kind: 'response', response: inside, viaError: true };
		const code = errorCode(failure) ?? (inside ? 'ERR_BAD_RESPONSE' : undefined);
		return { kind: 'failed', failure, code, brokenStatus: inside?.statusCode };
	}
}

function requestOptions(
	service: ServiceDefinition,
	request: ApiRequest,
	settings: RetrySettings,
): IHttpRequestOptions {
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
		ignoreHttpStatusErrors: service.reauthenticateOn
			? { ignore: true, except: service.reauthenticateOn }
			: true,
		timeout: settings.timeoutMs,
	};
	if (responseType === 'stream') options.encoding = 'stream';
	if (responseType === 'buffer') options.encoding = 'arraybuffer';
	return options;
}

async function callHelper(
	context: RequestContext,
	service: ServiceDefinition,
	request: ApiRequest,
	options: IHttpRequestOptions,
	renewedAuth: RenewedAuth | undefined,
): Promise<FullResponse> {
	if (request.anonymous || renewedAuth) {
		if (!context.helpers.httpRequest) throw new Error('This context cannot send plain requests');
		const sent = request.anonymous || !renewedAuth ? options : await renewedAuth(options);
		return (await context.helpers.httpRequest(sent)) as FullResponse;
	}
	return (await context.helpers.httpRequestWithAuthentication.call(
		context,
		service.credentialType,
		options,
		service.reauthenticateOn
			? { preAuthenticationRetryStatusCode: service.reauthenticateOn }
			: undefined,
	)) as FullResponse;
}

/** Finds the Node.js error code inside whatever n8n wrapped it in. */
function errorCode(error: unknown): string | undefined {
	let current = error as { code?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < MAX_CAUSE_DEPTH; depth++) {
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
export function innermostMessage(error: unknown): string {
	let message = String((error as Error)?.message ?? error);
	let current = (error as { cause?: unknown })?.cause;
	for (let depth = 0; current && depth < MAX_CAUSE_DEPTH; depth++) {
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
	type Wrapped = {
		response?: { status?: number; headers?: Headers; data?: unknown };
		cause?: unknown;
	};
	let current = error as Wrapped | undefined;
	for (let depth = 0; current && depth < MAX_CAUSE_DEPTH; depth++) {
		const status = current.response?.status;
		if (typeof status === 'number') {
			return {
				statusCode: status,
				headers: current.response?.headers ?? {},
				body: current.response?.data,
			};
		}
		current = current.cause as Wrapped | undefined;
	}
	return undefined;
}

/**
 * n8n 2.10 to 2.31 wrap a "log in again" status that they did not renew the session for (a 403
 * where they renew on 401 only) in a NodeApiError that has lost its cause (n8n-workflow's class
 * field resets it): what is left of the response is its status code and its body, as n8n kept
 * them. Only the statuses the request let n8n see as errors (`reauthenticateOn`) are read so.
 */
function sessionStatusOf(error: unknown, service: ServiceDefinition): FullResponse | undefined {
	if (!(error instanceof Error) || error.name !== 'NodeApiError') return undefined;
	const { httpCode, context } = error as { httpCode?: unknown; context?: { data?: unknown } };
	const status = Number(httpCode);
	if (!service.reauthenticateOn?.includes(status)) return undefined;
	return { statusCode: status, headers: {}, body: context?.data };
}

/** A URL without its query, for messages (a query may carry a token). */
export function describeTarget(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.origin}${parsed.pathname}`;
	} catch {
		return url;
	}
}
