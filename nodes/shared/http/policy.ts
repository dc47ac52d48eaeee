import type { IDataObject, Logger } from 'n8n-workflow';

import { clamp, RANGES } from '../bounds';

/**
 * When a failed request is sent again, and what is reported when it is not: a pure function of
 * what happened, what happened before and the settings, so that every branch can be read (and
 * tested) on its own. The client carries the decisions out.
 */

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
export function retrySettingsFrom(
	options: IDataObject,
	logger?: Pick<Logger, 'warn'>,
): Partial<RetrySettings> {
	const retry: Partial<RetrySettings> = {};
	if (options.maxRetries !== undefined) {
		retry.maxRetries = Math.round(
			clamp(options.maxRetries, RANGES.maxRetries, 'Request Options > Max Retries', logger),
		);
	}
	if (options.timeout !== undefined) {
		retry.timeoutMs =
			clamp(options.timeout, RANGES.timeoutSeconds, 'Request Options > Timeout (Seconds)', logger) *
			1000;
	}
	return retry;
}

/** Node.js error codes after which the request never left: nothing can have happened on the server. */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ERR_CANCELED',
]);
/**
 * The not-sent codes that may pass by the next try (a service restarting, a name server that did
 * not answer): retried even when the request is not safe to repeat. The others fail the same way
 * every time (a host name that does not exist) or are the execution's own cancellation.
 */
export const RETRYABLE_NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EAI_AGAIN']);
/**
 * Errors after which the server may have acted: retried only when the request is idempotent.
 * ERR_BAD_RESPONSE: the body was cut off after the headers arrived.
 */
export const MAYBE_SENT_CODES: ReadonlySet<string> = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ERR_BAD_RESPONSE',
	'ERR_STREAM_PREMATURE_CLOSE',
]);
/** Statuses of a failure on the server's side that may pass: retried when the request is idempotent. */
export const IDEMPOTENT_STATUS_RETRY: ReadonlySet<number> = new Set([408, 500, 502, 503, 504]);
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
	'GET',
	'HEAD',
	'PUT',
	'DELETE',
	'OPTIONS',
]);

/**
 * Whether a request only reads, so that a success that is not what it needs may be asked for
 * again: an idempotent request that is not a PUT or DELETE (those change something; a DELETE
 * asked again after it worked would find nothing to delete).
 */
export function onlyReads(method: string, idempotent: boolean): boolean {
	return idempotent && method !== 'PUT' && method !== 'DELETE';
}

/**
 * A server that keeps refusing (429) with Retry-After 0, or none, is asked again after a pause
 * that grows by this much per refusal, up to the cap: a short wait, not a busy loop.
 */
const REFUSAL_PAUSE_STEP_MS = 25;
const REFUSAL_PAUSE_MAX_MS = 1000;

/** Exponential backoff with full jitter, so parallel workers do not retry in lockstep. */
export function backoffDelay(
	attempt: number,
	settings: RetrySettings,
	random = Math.random,
): number {
	const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** attempt);
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Whether a wait of `delay` from `now` still ends before the deadline (if there is one). */
export function fitsDeadline(delay: number, now: number, deadline: number | undefined): boolean {
	return deadline === undefined || now + delay < deadline;
}

/**
 * A Retry-After longer than a request may take, or than the operation has left, is not waited
 * for: the error says how long the API asked to wait.
 */
export function isRetryAfterTooLong(
	retryAfter: number | undefined,
	settings: RetrySettings,
	now: number,
	deadline: number | undefined,
): boolean {
	return (
		retryAfter !== undefined &&
		(retryAfter > Math.min(settings.maxRetryAfterMs, settings.timeoutMs) ||
			!fitsDeadline(retryAfter, now, deadline))
	);
}

/**
 * No (complete) answer: the connection failed, timed out, or the body broke off (or stayed
 * silent) before the operation could read anything of it. `code` is Node.js's error code.
 */
export interface NetworkOutcome {
	kind: 'network';
	code: string;
}

/** An error status. */
export interface StatusOutcome {
	kind: 'status';
	status: number;
	/** Retry-After in ms, if the response had one. */
	retryAfter?: number;
	/** The Retry-After is longer than may be waited for (`isRetryAfterTooLong`). */
	retryAfterTooLong: boolean;
	/** The body says the account is out of quota or credit: waiting does not help. */
	quota: boolean;
	/** A "log in again" status this client has to renew the session for itself. */
	renewable: boolean;
}

/**
 * A successful status whose body is not what the operation needs (contracts.ts): cut off where
 * the HTTP layer could not tell (a close-delimited body), not JSON, or without the fields read.
 */
export interface ContractOutcome {
	kind: 'contract';
	status: number;
	/** What the operation needed, e.g. "a list of events". */
	what: string;
}

/** What came of one attempt that did not succeed. */
export type Outcome = NetworkOutcome | StatusOutcome | ContractOutcome;

/** The request so far, as the policy needs to know it. */
export interface Attempt {
	/** Retries taken that count against Max Retries (refusals and the session renewal do not). */
	retries: number;
	/** 429 refusals so far: the server did not act on them, so they do not use up Max Retries. */
	refusals: number;
	/** The session was renewed for this request already: it is renewed once at most. */
	renewed: boolean;
	/** An earlier attempt failed without an answer: the server may have acted on it. */
	maybeActed: boolean;
	/** When the first attempt went out: refusals are retried until the timeout, counted from here. */
	startedAt: number;
	/**
	 * Time the package's own rate budget held the request (its queue, another request's
	 * Retry-After): not counted against the timeout, which is about the API's refusals.
	 */
	heldMs: number;
	now: number;
	/** When the operation must be over (see ApiRequest.deadline). */
	deadline?: number;
	/** The jitter of the backoff. */
	random?: () => number;
}

/** The settings and the traits of the request that the policy weighs. */
export interface PolicySettings extends RetrySettings {
	/** Sending the request twice is harmless (see ApiRequest.idempotent). */
	idempotent: boolean;
	/** A 404 or 410 after an unclear failure means an earlier attempt did the work (a DELETE). */
	goneMeansDone: boolean;
	/** The request only reads (`onlyReads`): a malformed success may be asked for again. */
	reads: boolean;
}

export type Decision =
	/** Wait `delayMs` and send again; `counts` says which counter the retry uses up. */
	| {
			kind: 'retry';
			delayMs: number;
			counts: 'retry' | 'refusal';
			reason: string;
			retryNumber: number;
	  }
	/** Log in again and send again, without using up a retry. */
	| { kind: 'renewSession' }
	/** The resource is gone because an earlier attempt deleted it: a success. */
	| { kind: 'gone' }
	/** Report the network failure; `attempts`: how often the request was sent. */
	| { kind: 'networkError'; attempts: number }
	/** Report the API's error; `retryAfterMs`: a wait the API asked for that was too long to take. */
	| { kind: 'apiError'; retryAfterMs?: number; quota: boolean; refused: boolean }
	/**
	 * The API kept refusing (429) until the timeout was over; `elapsedMs`: the time that counted
	 * (the package's own holding left out).
	 */
	| { kind: 'rateLimitTimeout'; refusals: number; elapsedMs: number }
	/** Report that the success was not what the operation needs (the contract error). */
	| { kind: 'contractError' };

/** Whether the server may have acted on a request that ended this way. */
export function mayHaveActed(outcome: Outcome): boolean {
	return outcome.kind === 'network' && MAYBE_SENT_CODES.has(outcome.code);
}

/**
 * What to do after an attempt that did not succeed. Checked in this order: a resource an earlier
 * attempt deleted, a session to renew, a 429 refusal (retried until the timeout, beyond Max
 * Retries), a retry that Max Retries and the deadline allow, else the error to report.
 */
export function decide(outcome: Outcome, attempt: Attempt, settings: PolicySettings): Decision {
	switch (outcome.kind) {
		case 'network':
			return decideNetwork(outcome.code, attempt, settings);
		case 'status':
			return decideStatus(outcome, attempt, settings);
		case 'contract':
			return decideContract(outcome, attempt, settings);
	}
}

/** Retried while retries are left and the deadline allows, when sending again cannot do the work twice. */
function decideNetwork(code: string, attempt: Attempt, settings: PolicySettings): Decision {
	const retryable =
		RETRYABLE_NOT_SENT_CODES.has(code) || (settings.idempotent && MAYBE_SENT_CODES.has(code));
	const delayMs = backoffDelay(attempt.retries, settings, attempt.random);
	if (
		retryable &&
		attempt.retries < settings.maxRetries &&
		fitsDeadline(delayMs, attempt.now, attempt.deadline)
	) {
		return {
			kind: 'retry',
			delayMs,
			counts: 'retry',
			reason: code,
			retryNumber: attempt.retries + 1,
		};
	}
	return { kind: 'networkError', attempts: attempt.retries + 1 };
}

/**
 * A malformed success of a read is a failure like a network one (a gateway's page, a body cut
 * where the HTTP layer could not tell): asking again changes nothing on the server. One of a
 * write is reported: the server acted on it, and sending it again could act twice.
 */
function decideContract(
	outcome: ContractOutcome,
	attempt: Attempt,
	settings: PolicySettings,
): Decision {
	const delayMs = backoffDelay(attempt.retries, settings, attempt.random);
	if (
		settings.reads &&
		attempt.retries < settings.maxRetries &&
		fitsDeadline(delayMs, attempt.now, attempt.deadline)
	) {
		return {
			kind: 'retry',
			delayMs,
			counts: 'retry',
			reason: `HTTP ${outcome.status} without ${outcome.what}`,
			retryNumber: attempt.retries + 1,
		};
	}
	return { kind: 'contractError' };
}

function decideStatus(
	outcome: StatusOutcome,
	attempt: Attempt,
	settings: PolicySettings,
): Decision {
	const { status, retryAfter, retryAfterTooLong: tooLong, quota } = outcome;
	if (settings.goneMeansDone && attempt.maybeActed && (status === 404 || status === 410))
		return { kind: 'gone' };
	if (outcome.renewable && !attempt.renewed) return { kind: 'renewSession' };
	// 429, and 503 with Retry-After, mean the server turned the request away unprocessed; but a
	// quota or billing stop does not pass by waiting.
	const refused = !quota && (status === 429 || (status === 503 && retryAfter !== undefined));
	const retryable =
		refused || (!quota && settings.idempotent && IDEMPOTENT_STATUS_RETRY.has(status));
	const reason = `HTTP ${status}`;
	if (status === 429 && refused && !tooLong)
		return decideRefusal(retryAfter, reason, attempt, settings);
	const delayMs = retryAfter ?? backoffDelay(attempt.retries, settings, attempt.random);
	if (
		retryable &&
		attempt.retries < settings.maxRetries &&
		!tooLong &&
		fitsDeadline(delayMs, attempt.now, attempt.deadline)
	) {
		return { kind: 'retry', delayMs, counts: 'retry', reason, retryNumber: attempt.retries + 1 };
	}
	return {
		kind: 'apiError',
		retryAfterMs: retryable && tooLong ? retryAfter : undefined,
		quota,
		refused,
	};
}

/**
 * A 429 (not a quota stop) is retried beyond Max Retries: the server did not act on the request,
 * so sending it again is safe while the time limit (the Timeout request option, counted from the
 * first try, without the time the package's own budget held it) lasts. Other workers may be
 * using the same budget.
 */
function decideRefusal(
	retryAfter: number | undefined,
	reason: string,
	attempt: Attempt,
	settings: PolicySettings,
): Decision {
	const refusals = attempt.refusals + 1;
	const asked = retryAfter ?? backoffDelay(attempt.retries, settings, attempt.random);
	const delayMs = Math.max(
		asked,
		Math.min(REFUSAL_PAUSE_MAX_MS, REFUSAL_PAUSE_STEP_MS * (refusals - 1)),
	);
	const elapsedMs = attempt.now - attempt.startedAt - attempt.heldMs;
	if (
		elapsedMs + delayMs <= settings.timeoutMs &&
		fitsDeadline(delayMs, attempt.now, attempt.deadline)
	) {
		return { kind: 'retry', delayMs, counts: 'refusal', reason, retryNumber: refusals };
	}
	return { kind: 'rateLimitTimeout', refusals, elapsedMs };
}
