import { createHash } from 'crypto';

import { DeliveryClock } from './delivery';
import type { RateLimiterOptions } from './limiter';
import { RateLimiter } from './limiter';
import type { RateWindow } from './types';

/**
 * Every limiter of the process, by API account and budget. Module state on purpose: every
 * execution and item on this n8n main or worker that uses the same account draws on the same
 * budget, as the server counts it.
 */
const limiters = new Map<string, RateLimiter>();
const clocks = new Map<string, DeliveryClock>();

export interface AccountIdentity {
	credentialType: string;
	/** The credential's id in n8n, when known (`this.getNode().credentials`). */
	credentialId?: string;
	/** The secret, when there is no id: only its hash becomes part of the key. */
	secret?: string;
	baseUrl: string;
}

/** Hex characters of the secret's hash in the key (128 bits): enough to tell accounts apart. */
const SECRET_HASH_CHARS = 32;

/** A key naming the API account, never containing the secret. */
export function accountKey(identity: AccountIdentity): string {
	const who = identity.secret
		? `key:${createHash('sha256').update(identity.secret).digest('hex').slice(0, SECRET_HASH_CHARS)}`
		: `id:${identity.credentialId ?? 'unknown'}`;
	return `${identity.credentialType}|${who}|${identity.baseUrl.replace(/\/+$/, '')}`;
}

/**
 * The process-wide limiter of one budget of one account, configured with `windows` (the
 * Request Options of the caller: the latest caller's limits apply to everyone sharing it).
 */
export function sharedLimiter(
	account: string,
	budget: string,
	windows: RateWindow[],
	options: Omit<RateLimiterOptions, 'delivery'> = {},
): RateLimiter {
	let clock = clocks.get(account);
	if (!clock) {
		clock = new DeliveryClock();
		clocks.set(account, clock);
	}
	const key = `${account}#${budget}`;
	let limiter = limiters.get(key);
	if (limiter) {
		limiter.configure(windows);
	} else {
		limiter = new RateLimiter(windows, { ...options, delivery: clock });
		limiters.set(key, limiter);
	}
	return limiter;
}

/** Forgets every shared limiter (tests). */
export function resetSharedLimiters(): void {
	limiters.clear();
	clocks.clear();
}
