import type { INode, NodeApiError } from 'n8n-workflow';

import {
	apiError,
	failureError,
	formatDuration,
	isQuotaError,
	networkError,
	rateLimitTimeout,
} from '../errors';
import type { AcquireOptions, RateTicket } from '../rate-limit';
import { ExecutionCancelledError, isCancelled, waitFor } from '../wait';
import type { Acceptor } from './accept';
import { accept, readErrorBody } from './accept';
import { headerValue, parseRetryAfter } from './headers';
import type {
	Attempt,
	ContractOutcome,
	NetworkOutcome,
	PolicySettings,
	RetrySettings,
	StatusOutcome,
} from './policy';
import {
	decide,
	DEFAULT_RETRY,
	IDEMPOTENT_METHODS,
	isRetryAfterTooLong,
	mayHaveActed,
	onlyReads,
	RETRYABLE_NOT_SENT_CODES,
} from './policy';
import type { Sent } from './send';
import { describeTarget, innermostMessage, send } from './send';
import type {
	ApiRequest,
	ApiResponse,
	FullResponse,
	RenewedAuth,
	RequestContext,
	ServiceDefinition,
} from './types';

/** One attempt, named: a success, a failure without a (complete) answer, or an error status. */
type Round<T> =
	| { kind: 'success'; response: ApiResponse<T> }
	/** `brokenStatus` and `timeoutMs`: for the message, the status of an answer that broke off and the time limit. */
	| { kind: 'network'; outcome: NetworkOutcome; brokenStatus?: number; timeoutMs: number }
	| { kind: 'status'; outcome: StatusOutcome; response: FullResponse; body: unknown }
	/** A success that is not what the operation needs; `error` says so. */
	| { kind: 'contract'; outcome: ContractOutcome; error: NodeApiError };

/** Up to this long, a retry's pause is logged in milliseconds; longer ones as a duration. */
const LOG_IN_MS_BELOW = 10_000;

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
	private renewedAuth?: RenewedAuth;

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

	private get acceptor(): Acceptor {
		return {
			context: this.context,
			service: this.service.name,
			clientTimeoutMs: this.retry.timeoutMs,
		};
	}

	/**
	 * Sends `request` until it succeeds or the retry policy (policy.ts) says to stop: each round
	 * takes a ticket from the rate limiter, sends, tells the limiter how it went, and accepts a
	 * success against its contract or carries out what the policy decides about the failure.
	 */
	async request<T = unknown>(request: ApiRequest): Promise<ApiResponse<T>> {
		const settings = { ...this.retry, ...request.retry };
		const idempotent = request.idempotent ?? IDEMPOTENT_METHODS.has(request.method);
		const policy: PolicySettings = {
			...settings,
			idempotent,
			goneMeansDone: request.goneMeansDone === true,
			reads: onlyReads(request.method, idempotent),
		};
		const described = `${request.method} ${describeTarget(request.url)}`;
		// For a request that is not safe to repeat: what to look at once it may have been carried out.
		const unclear = policy.idempotent ? undefined : (request.unclear ?? '');
		const startedAt = Date.now();
		const attempt: Attempt = {
			retries: 0,
			refusals: 0,
			renewed: false,
			maybeActed: false,
			startedAt,
			heldMs: 0,
			now: startedAt,
		};
		// A retry waits in the limiter's queue at the place the request had (see `retryAfter`).
		let queued: AcquireOptions = {};
		for (;;) {
			if (isCancelled(this.context)) throw new ExecutionCancelledError();
			// The ticket tells the limiter when the request went out and how it ended (`settle`).
			const ticket = await request.limiter?.acquire(this.context, queued);
			attempt.heldMs += ticket?.heldMs ?? 0;
			this.requestsSent++;
			const sent = await send(this.context, this.service, request, settings, this.renewedAuth);
			const round = await this.classify<T>(sent, ticket, request, settings, unclear, described);
			if (round.kind === 'success') return round.response;

			if (mayHaveActed(round.outcome)) attempt.maybeActed = true;
			const decision = decide(
				round.outcome,
				{ ...attempt, now: Date.now(), deadline: request.deadline },
				policy,
			);
			switch (decision.kind) {
				case 'retry':
					if (decision.counts === 'refusal') attempt.refusals++;
					else attempt.retries++;
					this.logRetry(described, decision.reason, decision.delayMs, decision.retryNumber);
					if (request.limiter) {
						// The limiter holds the request's place while it waits out its pause.
						queued = { place: ticket?.place, notBefore: Date.now() + decision.delayMs };
					} else {
						await waitFor(this.context, decision.delayMs);
					}
					continue;
				case 'renewSession':
					// Once per request, and it takes no retry away.
					attempt.renewed = true;
					await this.renewSession(request);
					continue;
				case 'gone':
					if (round.kind !== 'status') break;
					return {
						statusCode: round.response.statusCode,
						headers: round.response.headers,
						body: undefined as T,
						gone: true,
					};
				case 'networkError':
					if (round.kind !== 'network') break;
					throw networkError(this.node, {
						service: this.service.name,
						code: round.outcome.code,
						method: request.method,
						target: describeTarget(request.url),
						itemIndex: request.itemIndex,
						status: round.brokenStatus,
						timeoutMs: round.timeoutMs,
						attempts: decision.attempts,
						unclear,
					});
				case 'apiError':
					if (round.kind !== 'status') break;
					throw apiError(this.node, {
						service: this.service.name,
						status: round.response.statusCode,
						body: round.body,
						hints: this.service.hints,
						itemIndex: request.itemIndex,
						operation: described,
						classify: this.service.classify,
						retryAfterMs: decision.retryAfterMs,
						notRetried: decision.quota ? 'It was not retried.' : undefined,
						unclear: decision.refused ? undefined : unclear,
					});
				case 'contractError':
					if (round.kind !== 'contract') break;
					throw round.error;
				case 'rateLimitTimeout':
					throw rateLimitTimeout(this.node, {
						service: this.service.name,
						target: described,
						refusals: decision.refusals,
						elapsedMs: decision.elapsedMs,
						heldMs: attempt.heldMs,
						itemIndex: request.itemIndex,
					});
			}
			// decide() answers a network outcome with a retry or a network error, a contract outcome
			// with a retry or the contract error, a status with the rest.
			throw new Error(`ApiClient: "${decision.kind}" cannot answer a ${round.kind} outcome`);
		}
	}

	/**
	 * Settles the limiter's ticket with what came back, and names it: a success the operation can
	 * use, a network failure (also a stream that broke before its first byte) or an error status.
	 */
	private async classify<T>(
		sent: Sent,
		ticket: RateTicket | undefined,
		request: ApiRequest,
		settings: RetrySettings,
		unclear: string | undefined,
		described: string,
	): Promise<Round<T>> {
		if (sent.kind === 'failed') {
			// A request that never reached the server, and will be tried again, used up none of its
			// budget (after one that is not tried again, nothing follows that the budget matters to).
			request.limiter?.settle(ticket, {
				notSent: sent.code !== undefined && RETRYABLE_NOT_SENT_CODES.has(sent.code),
			});
			if (isCancelled(this.context)) throw new ExecutionCancelledError();
			// Not the network: e.g. the credential could not log in. Its own words say why.
			if (!sent.code)
				throw this.failure(innermostMessage(sent.failure), `While sending ${described}`, request);
			const outcome: NetworkOutcome = { kind: 'network', code: sent.code };
			return {
				kind: 'network',
				outcome,
				brokenStatus: sent.brokenStatus,
				timeoutMs: settings.timeoutMs,
			};
		}
		const { response } = sent;
		const status = response.statusCode;
		const retryAfter = parseRetryAfter(headerValue(response.headers, 'retry-after'));
		const tooLong = isRetryAfterTooLong(retryAfter, settings, Date.now(), request.deadline);
		// The limiter learns when the server counted the request: a 429 frees its slot, lowers the
		// rate and pauses every user of the limiter for Retry-After (unless that is too long to
		// wait for: then the next request finds out again and reports it).
		request.limiter?.settle(ticket, {
			status,
			headers: response.headers,
			retryAfterMs: tooLong ? undefined : retryAfter,
		});

		if (status < 400) {
			const accepted = await accept<T>(this.acceptor, response, request, settings, unclear);
			if (accepted.kind === 'accepted') return { kind: 'success', response: accepted.response };
			if (accepted.kind === 'violation') {
				const outcome: ContractOutcome = { kind: 'contract', status, what: request.expect.what };
				return { kind: 'contract', outcome, error: accepted.error };
			}
			return {
				kind: 'network',
				outcome: { kind: 'network', code: accepted.code },
				brokenStatus: accepted.code === 'ERR_BAD_RESPONSE' ? status : undefined,
				timeoutMs: request.idleTimeoutMs ?? settings.timeoutMs,
			};
		}
		const body = await readErrorBody(this.acceptor, response);
		const { renewSession, reauthenticateOn } = this.service;
		// Older n8n (see `ServiceDefinition.renewSession`) did not renew the session on this status:
		// it came back as a response, or as an error for a status other than 401 (a 401 that came
		// back as an error n8n renewed already, and it is still refused).
		const renewable =
			(!sent.viaError || status !== 401) &&
			renewSession !== undefined &&
			reauthenticateOn?.includes(status) === true;
		return {
			kind: 'status',
			outcome: {
				kind: 'status',
				status,
				retryAfter,
				retryAfterTooLong: tooLong,
				quota: isQuotaError(status, body),
				renewable,
			},
			response,
			body,
		};
	}

	/** Logs in again (see `ServiceDefinition.renewSession`); the remaining requests use the new session. */
	private async renewSession(request: ApiRequest): Promise<void> {
		try {
			this.renewedAuth = await this.service.renewSession!(this.context);
		} catch (error) {
			throw this.failure(
				innermostMessage(error),
				`While logging in again for ${describeTarget(request.url)}`,
				request,
			);
		}
	}

	/** A failure that is not the network's nor the API's (e.g. a login that failed), in its own words. */
	private failure(message: string, description: string, request: ApiRequest) {
		return failureError(this.node, 'request_failed', `${this.service.name}: ${message}`, {
			itemIndex: request.itemIndex,
			description,
		});
	}

	private logRetry(target: string, reason: string, delay: number, retryNumber: number) {
		const pause = delay < LOG_IN_MS_BELOW ? `${delay} ms` : formatDuration(delay);
		this.context.logger?.warn(
			`${this.service.name}: ${target} failed with ${reason}; retry ${retryNumber} in ${pause}`,
		);
	}
}
