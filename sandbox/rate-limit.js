'use strict';

/**
 * Sliding-window rate limiter with a per-second and a per-minute window, as
 * the Haufe API documents for its two budgets. Limits are read on every call
 * so configure() takes effect at once. A limit of 0/null/undefined disables
 * that window.
 *
 * Rejected requests do not use up budget (otherwise a client hammering the
 * API would never get through, which would make Retry-After meaningless).
 */

const WINDOWS = [
	{ key: 'perSecond', ms: 1000 },
	{ key: 'perMinute', ms: 60000 },
];

function createRateLimiter(getLimits) {
	let hits = []; // timestamps (ms) of accepted requests, ascending

	function activeWindows() {
		const limits = getLimits() || {};
		return WINDOWS.filter((w) => Number(limits[w.key]) > 0).map((w) => ({
			...w,
			limit: Number(limits[w.key]),
		}));
	}

	/** Hits older than the longest active window can never matter again. */
	function prune(now, windows) {
		const longest = Math.max(0, ...windows.map((w) => w.ms));
		const firstKept = hits.findIndex((t) => t > now - longest);
		hits = firstKept < 0 ? [] : hits.slice(firstKept);
	}

	/**
	 * How long until this window admits one more request, in ms (0 = now).
	 * With n hits in the window and a limit L, the (n-L)th oldest hit must leave.
	 */
	function waitFor(window, now) {
		const inWindow = hits.filter((t) => t > now - window.ms);
		if (inWindow.length < window.limit) return 0;
		return inWindow[inWindow.length - window.limit] + window.ms - now;
	}

	return {
		/** Takes one unit of budget: {ok: true} or {ok: false, retryAfterSeconds}. */
		take(now = Date.now()) {
			const windows = activeWindows();
			if (windows.length === 0) return { ok: true };
			prune(now, windows);
			const waitMs = Math.max(0, ...windows.map((w) => waitFor(w, now)));
			if (waitMs > 0) {
				return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
			}
			hits.push(now);
			return { ok: true };
		},
		reset() {
			hits = [];
		},
	};
}

module.exports = { createRateLimiter };
