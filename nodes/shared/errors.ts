import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { htmlPageSummary, isHtmlPage } from '../../credentials/shared/html';
import { isObject, shorten } from '../../credentials/shared/text';
import { NOT_SENT_CODES } from './http/policy';

/** The error as the API described it, whatever shape its body had. */
export interface ApiErrorInfo {
	code?: string;
	detail: string;
}

/** Tells the user what to do about one error code of one API. */
export type ErrorHints = Record<string, string>;

/** How much of a body a message quotes: enough to recognise it, short enough for one line. */
const BODY_EXCERPT_CHARS = 80;
/** How much of an API's plain-text error a message quotes: its explanation, not a whole page. */
const TEXT_DETAIL_CHARS = 300;

/**
 * What came back, in a few words for a message: an empty body, an HTML page by its title, or
 * the start of the text or JSON. Never the whole body, never markup.
 */
export function describeBody(body: unknown, contentType?: string): string {
	if (body === undefined || body === null || (typeof body === 'string' && body.trim() === ''))
		return 'an empty body';
	if (Buffer.isBuffer(body)) return describeBody(body.toString('utf8'), contentType);
	if (typeof body === 'string') {
		if (isHtmlPage(body) || /html/i.test(String(contentType ?? ''))) {
			const summary = htmlPageSummary(body, BODY_EXCERPT_CHARS);
			return summary ? `an HTML page “${summary}”` : 'an empty HTML page';
		}
		return `the text "${shorten(body, BODY_EXCERPT_CHARS)}"`;
	}
	if (isObject(body) && Object.keys(body).length === 0) return 'an empty JSON object ({})';
	return `${Array.isArray(body) ? 'the JSON list' : 'the JSON'} ${shorten(JSON.stringify(body) ?? String(body), BODY_EXCERPT_CHARS)}`;
}

/** A duration for a message: "45 s", "12 min", "1 h 30 min". */
export function formatDuration(ms: number): string {
	const seconds = Math.max(0, Math.round(ms / 1000));
	if (seconds < 120) return `${seconds} s`;
	const minutes = Math.round(seconds / 60);
	if (minutes < 60) return `${minutes} min`;
	const hours = Math.floor(minutes / 60);
	return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/**
 * Codes that mean the account is out of quota or credit. They often come with HTTP 429, but
 * waiting does not help: they are never retried, and the advice is about billing.
 */
const QUOTA_CODES = new Set([
	'insufficient_quota',
	'quota_exceeded',
	'billing_hard_limit_reached',
	'billing_not_active',
	'insufficient_funds',
	'insufficient_credits',
	'credit_balance_too_low',
	'payment_required',
]);

const QUOTA_HINT =
	'The account has no quota or credit left. This is not a rate limit: retrying does not help. ' +
	'Check the plan and billing of the account (or raise its spending limit), then run the workflow again.';

/** Whether an error body says the account is out of quota or credit (or the status is 402). */
export function isQuotaError(status: number, body: unknown): boolean {
	if (status === 402) return true;
	const code = readApiError(body)?.code;
	return code !== undefined && QUOTA_CODES.has(code.toLowerCase());
}

/**
 * Reads every error body shape the four APIs use:
 * `{error_code, detail}` (Haufe), `{message}` (gateways), `{detail: [{loc, msg}]}` (FastAPI
 * validation), `{type, errors: [...]}` (Griptape), `{detail}` / `{error}` (Django) and
 * `{error: {code, message}}` (OpenAI-style). An HTML page (a framework's or a proxy's error
 * page) is named by its title, not quoted.
 */
export function readApiError(body: unknown): ApiErrorInfo | undefined {
	if (typeof body === 'string') {
		const text = body.trim();
		if (!text) return undefined;
		if (isHtmlPage(text))
			return {
				code: 'html_page',
				detail: `an HTML page instead of data: “${htmlPageSummary(text)}”`,
			};
		try {
			return readApiError(JSON.parse(text));
		} catch {
			return { detail: shorten(text, TEXT_DETAIL_CHARS) };
		}
	}
	if (Buffer.isBuffer(body)) return readApiError(body.toString('utf8'));
	if (!isObject(body)) return undefined;

	const code =
		(typeof body.error_code === 'string' && body.error_code) ||
		(typeof body.code === 'string' && body.code) ||
		(typeof body.type === 'string' && body.type) ||
		undefined;

	if (Array.isArray(body.detail)) {
		const problems = (body.detail as IDataObject[]).map((entry) => {
			const location = Array.isArray(entry.loc) ? (entry.loc as unknown[]).join('.') : '';
			return location ? `${location}: ${String(entry.msg)}` : String(entry.msg ?? entry);
		});
		return { code: code ?? 'validation_error', detail: problems.join('; ') };
	}
	if (typeof body.detail === 'string') return { code, detail: body.detail };
	if (Array.isArray(body.errors)) {
		const problems = (body.errors as unknown[]).map((entry) =>
			isObject(entry) ? String(entry.message ?? entry.msg ?? JSON.stringify(entry)) : String(entry),
		);
		return { code, detail: problems.join('; ') || code || 'Request failed' };
	}
	if (isObject(body.error)) {
		const nested = readApiError(body.error);
		if (nested) return { code: nested.code ?? code, detail: nested.detail };
	}
	if (typeof body.error === 'string') return { code, detail: body.error };
	if (typeof body.message === 'string') return { code, detail: body.message };
	return code ? { code, detail: code } : undefined;
}

/** What to do, by HTTP status, when the API's code has no hint of its own. */
const STATUS_HINTS: Record<number, string> = {
	400: 'The request was rejected as invalid: check the fields of this operation.',
	401: 'The credential was rejected: check the API key (or session) in the credential.',
	403: 'The credential is valid but may not do this: check its permissions.',
	404: 'Nothing was found at this ID: check that it exists and belongs to this account.',
	409: 'The request conflicts with the current state: fetch it again and retry.',
	413: 'The request is too large: send less data.',
	422: 'A field is missing or has a wrong value: check the fields named in the message.',
	429: 'The rate limit was reached and the retries ran out: lower the concurrency or retry later.',
};

export interface ApiErrorContext {
	service: string;
	status: number;
	body: unknown;
	hints: ErrorHints;
	itemIndex?: number;
	/** What the node was doing, e.g. "POST /threads/{id}/run". */
	operation?: string;
	/** Names a code for errors whose body has none (e.g. an expired session), so its hint applies. */
	classify?: (status: number, info: ApiErrorInfo) => string | undefined;
	/** How long the API asked to wait (Retry-After), when that was too long to wait for. */
	retryAfterMs?: number;
	/** Why no (further) retry happened, when it was not that the retries ran out. */
	notRetried?: string;
	/**
	 * For a request that is not safe to repeat and failed on the server's side (5xx): it may
	 * have been carried out before the failure; what to look at.
	 */
	unclear?: string;
}

/** One NodeApiError whose message names the service, the code and the status, and says what to do. */
export function apiError(node: INode, context: ApiErrorContext): NodeApiError {
	const info = readApiError(context.body) ?? { detail: `HTTP ${context.status}` };
	const code = info.code ?? context.classify?.(context.status, info) ?? `http_${context.status}`;
	const quota = isQuotaError(context.status, context.body);
	// A wait too long to take is said first: a code's hint ("the retries ran out") would be wrong.
	const hint =
		(quota && QUOTA_HINT) ||
		(context.retryAfterMs !== undefined &&
			`The API asked to wait ${formatDuration(context.retryAfterMs)} before the next request (Retry-After), ` +
				'longer than this node may wait: run the workflow again after that, or lower the request rate.') ||
		(Object.prototype.hasOwnProperty.call(context.hints, code) ? context.hints[code] : undefined) ||
		STATUS_HINTS[context.status] ||
		(context.status >= 500
			? 'The service failed on its side: retry later; if it persists, contact its support.'
			: 'Check the request and try again.');
	const wait =
		context.retryAfterMs !== undefined
			? ` (the API asks to wait ${formatDuration(context.retryAfterMs)})`
			: '';
	const message = `${context.service} error ${code} (HTTP ${context.status}): ${info.detail}${wait}`;
	const maybeDone =
		context.unclear !== undefined && context.status >= 500
			? `The request may have been carried out before the failure, so it was not sent again. ${context.unclear}`.trim()
			: '';
	const notes = [
		hint,
		maybeDone,
		context.notRetried,
		context.operation ? `[${context.operation}]` : '',
	].filter(Boolean);
	const description = notes.join(' ');
	const errorBody: JsonObject = { errorCode: code, status: context.status, detail: info.detail };
	const error = new NodeApiError(node, errorBody, {
		message,
		description,
		httpCode: String(context.status),
		itemIndex: context.itemIndex,
	});
	return keepMessage(error, message);
}

/**
 * NodeApiError replaces any message that contains a network error code (ECONNRESET, ...) or
 * whose status it knows with a generic sentence; ours names the service, code and target.
 */
function keepMessage(error: NodeApiError, message: string): NodeApiError {
	error.message = message;
	return error;
}

/**
 * A NodeApiError for a failure the node itself detected (a broken stream, a failed run), with
 * exactly the message given: `kind` says what failed, for the error's context.
 */
export function failureError(
	node: INode,
	kind: string,
	message: string,
	options: { description?: string; itemIndex?: number } = {},
): NodeApiError {
	return keepMessage(new NodeApiError(node, { failure: kind }, { message, ...options }), message);
}

/** Network failures, by the code Node.js gives them. */
const NETWORK_HINTS: Record<string, string> = {
	ECONNREFUSED:
		'Nothing answered at that address: check the base URL in the credential and that the service is up.',
	ENOTFOUND: 'The host name does not resolve: check the base URL in the credential.',
	EAI_AGAIN: 'The host name could not be resolved right now: check DNS or retry later.',
	ECONNRESET: 'The connection was dropped by the other side (or a proxy in between): retry later.',
	EPIPE: 'The connection was dropped by the other side (or a proxy in between): retry later.',
	ETIMEDOUT:
		'The service did not answer in time: raise the timeout (Request Options) or retry later.',
	ECONNABORTED:
		'The service did not answer in time: raise the timeout (Request Options) or retry later.',
	ERR_BAD_RESPONSE:
		'The answer was cut off on its way (a dropped connection or a proxy): retry later.',
	ERR_CANCELED: 'The execution was cancelled.',
};

export interface NetworkFailure {
	service: string;
	code: string;
	method: string;
	/** The URL without its query. */
	target: string;
	itemIndex?: number;
	/** The status of a response whose body was cut off after its headers. */
	status?: number;
	/** The per-attempt timeout, for the message of a timeout. */
	timeoutMs?: number;
	/** How often the request was sent. */
	attempts?: number;
	/**
	 * The request is not safe to repeat (it creates something or produces an answer) and may have
	 * been carried out: what to look at before sending it again.
	 */
	unclear?: string;
}

export function networkError(node: INode, failure: NetworkFailure): NodeApiError {
	const { service, code, method, target } = failure;
	let message: string;
	if (failure.status !== undefined) {
		message = `The answer of ${service} to ${method} ${target} broke off after its headers (HTTP ${failure.status}, ${code})`;
	} else if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
		const within = failure.timeoutMs ? ` within ${formatDuration(failure.timeoutMs)}` : ' in time';
		message = `${service} did not answer ${method} ${target}${within} (${code})`;
	} else if (NOT_SENT_CODES.has(code)) {
		message = `Could not reach ${service} at ${target} (${code})`;
	} else {
		message = `The connection to ${service} broke off during ${method} ${target} (${code})`;
	}
	const notes = [NETWORK_HINTS[code] ?? 'A network error occurred: check the base URL and retry.'];
	if (failure.attempts && failure.attempts > 1)
		notes.push(`It was sent ${failure.attempts} times.`);
	if (failure.unclear !== undefined && !NOT_SENT_CODES.has(code)) {
		notes.push(
			`The request may have reached ${service} and been carried out before the failure, so it was not sent again. ${failure.unclear}`.trim(),
		);
	}
	const error = new NodeApiError(
		node,
		{ networkCode: code },
		{ message, description: notes.join(' '), itemIndex: failure.itemIndex },
	);
	return keepMessage(error, message);
}

export interface ContractFailure {
	service: string;
	/** The node's operation, e.g. "thread: create", when known. */
	operation?: string;
	method: string;
	target: string;
	status: number;
	/** What the operation needed, e.g. "the answer". */
	what: string;
	/** Why the response was not that, with a short excerpt of it. */
	problem: string;
	itemIndex?: number;
	/** As for network failures: the request may have been carried out; what to look at. */
	unclear?: string;
}

/** A successful status whose body is not what the operation needs: never reported as success. */
export function contractError(node: INode, failure: ContractFailure): NodeApiError {
	const operation = failure.operation ? ` (${failure.operation})` : '';
	const message =
		`${failure.service} answered ${failure.method} ${failure.target}${operation} with HTTP ${failure.status} ` +
		`but not with ${failure.what}: ${failure.problem}`;
	const notes = [
		'The answer is not what the API sends: check that the base URL in the credential points at the API itself ' +
			'(not a website, a login page or a proxy), or retry later.',
	];
	if (failure.unclear !== undefined) {
		notes.push(
			`The request reached ${failure.service} and may have been carried out. ${failure.unclear}`.trim(),
		);
	}
	const error = new NodeApiError(
		node,
		{ failure: 'unexpected_response', status: failure.status },
		{
			message,
			description: notes.join(' '),
			httpCode: String(failure.status),
			itemIndex: failure.itemIndex,
		},
	);
	return keepMessage(error, message);
}

/** Errors about the node's input: they fail the same way on every try, so retrying is pointless. */
const inputErrors = new WeakSet<Error>();

export function inputError(node: INode, message: string, itemIndex?: number, description?: string) {
	const error = new NodeOperationError(node, message, { itemIndex, description });
	inputErrors.add(error);
	return error;
}

export function isInputError(error: Error): boolean {
	return inputErrors.has(error);
}

/**
 * A request the API kept refusing with 429 until the time limit (the Timeout request option)
 * was over: the server did not act on it, so nothing was done twice and nothing here is answered.
 */
export function rateLimitTimeout(
	node: INode,
	failure: {
		service: string;
		target: string;
		/** How often the API refused the request. */
		refusals: number;
		/** Time that counted against the limit. */
		elapsedMs: number;
		/** Time the package's own rate budget held the request, which did not count. */
		heldMs: number;
		itemIndex?: number;
	},
): NodeApiError {
	const { service, target, refusals, elapsedMs, heldMs, itemIndex } = failure;
	const times = refusals === 1 ? 'once' : `${refusals} times`;
	const held =
		heldMs >= 1000
			? ` (another ${Math.round(heldMs / 1000)} s waiting for this n8n's own rate budget did not count)`
			: '';
	const message =
		`${service}: rate limit (429) still reached after ${Math.round(elapsedMs / 1000)} s: the API refused ${target} ${times}, ` +
		`the time limit is over and it was not answered${held}`;
	const error = new NodeApiError(
		node,
		{ failure: 'rate_limit_timeout' },
		{
			message,
			httpCode: '429',
			description:
				'Other executions or workers used the same API budget for longer than the Timeout request option allows. ' +
				'Raise Timeout, lower the concurrency, or raise the rate-limit options to your tier.',
			itemIndex,
		},
	);
	return keepMessage(error, message);
}
