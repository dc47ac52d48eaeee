import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { htmlPageSummary, isHtmlPage } from './html';

/** The error as the API described it, whatever shape its body had. */
export interface ApiErrorInfo {
	code?: string;
	detail: string;
}

/** Tells the user what to do about one error code of one API. */
export type ErrorHints = Record<string, string>;

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
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
		if (isHtmlPage(text)) return { code: 'html_page', detail: `an HTML page instead of data: “${htmlPageSummary(text)}”` };
		try {
			return readApiError(JSON.parse(text));
		} catch {
			return { detail: text.slice(0, 500) };
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
	/** Names an error the API reports without a code (see ServiceDefinition.codeFor). */
	codeFor?: (status: number, detail: string) => string | undefined;
}

/** One NodeApiError whose message names the service, the code and the status, and says what to do. */
export function apiError(node: INode, context: ApiErrorContext): NodeApiError {
	const info = readApiError(context.body) ?? { detail: `HTTP ${context.status}` };
	const code = info.code ?? context.codeFor?.(context.status, info.detail) ?? `http_${context.status}`;
	const hint =
		(Object.prototype.hasOwnProperty.call(context.hints, code) ? context.hints[code] : undefined) ||
		STATUS_HINTS[context.status] ||
		(context.status >= 500
			? 'The service failed on its side: retry later; if it persists, contact its support.'
			: 'Check the request and try again.');
	const message = `${context.service} error ${code} (HTTP ${context.status}): ${info.detail}`;
	const description = context.operation ? `${hint} [${context.operation}]` : hint;
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
	ECONNREFUSED: 'Nothing answered at that address: check the base URL in the credential and that the service is up.',
	ENOTFOUND: 'The host name does not resolve: check the base URL in the credential.',
	EAI_AGAIN: 'The host name could not be resolved right now: check DNS or retry later.',
	ECONNRESET: 'The connection was dropped by the other side: retry later.',
	ETIMEDOUT: 'The service did not answer in time: raise the timeout or retry later.',
	ECONNABORTED: 'The request timed out: raise the timeout option or retry later.',
	ERR_CANCELED: 'The execution was cancelled.',
};

export function networkError(
	node: INode,
	service: string,
	code: string,
	target: string,
	itemIndex?: number,
): NodeApiError {
	const message = `Could not reach ${service} at ${target} (${code})`;
	const error = new NodeApiError(
		node,
		{ networkCode: code },
		{
			message,
			description: NETWORK_HINTS[code] ?? 'A network error occurred: check the base URL and retry.',
			itemIndex,
		},
	);
	return keepMessage(error, message);
}

/** Input that is wrong before anything is sent: names the field and the rule. */
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
	service: string,
	target: string,
	refusals: number,
	elapsedMs: number,
	itemIndex?: number,
): NodeApiError {
	const message = `${service}: rate limit (429) still reached after ${Math.round(elapsedMs / 1000)} s and ${refusals} tries: the time limit is over and ${target} was not answered`;
	const error = new NodeApiError(
		node,
		{ failure: 'rate_limit_timeout' },
		{
			message,
			httpCode: '429',
			description:
				'Other executions or workers used the same API budget for longer than the Timeout request option allows. Raise Timeout, lower the concurrency, or raise the rate-limit options to your tier.',
			itemIndex,
		},
	);
	return keepMessage(error, message);
}
