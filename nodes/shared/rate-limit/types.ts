export interface RateWindow {
	/** Requests allowed per window. */
	limit: number;
	windowMs: number;
}

/** One request that was let through: the limiter's record of it until it leaves every window. */
export interface RateTicket {
	/** When the slot was granted (the request is sent right after). */
	grantedAt: number;
	/** When its response (or failure) came back. The server counted it at some moment before. */
	settledAt?: number;
	/** False once the server rejected it (429): a rejected request uses up no slot. */
	counted: boolean;
	/**
	 * The request's place in the limiter's queue: lower goes first. A retry passes it back to
	 * `acquire`, so a request the server refused keeps its place instead of queueing behind the
	 * requests that arrived while it waited.
	 */
	place?: number;
	/** Sent while the rate was recovering above the share that last worked (see `refused`). */
	recovering?: boolean;
	/**
	 * Milliseconds the request waited for this process's own budget (its queue, a pause for
	 * another request's Retry-After) beyond its own `notBefore`: time no time limit should count.
	 */
	heldMs?: number;
}

/** How a request waits for its slot (`RateLimiter.acquire`). */
export interface AcquireOptions {
	/** The place it had (a retry's earlier ticket): it goes before every request behind it. */
	place?: number;
	/** Not before this moment (a retry's own pause); it holds its place meanwhile. */
	notBefore?: number;
}

/** What the response said about the server's budget, for `RateLimiter.settle`. */
export interface RateOutcome {
	status?: number;
	headers?: Record<string, string | string[] | undefined>;
	/** Retry-After in ms, as parsed by the caller. */
	retryAfterMs?: number;
	/** The request never reached the server (e.g. connection refused): it uses up no slot. */
	notSent?: boolean;
}
