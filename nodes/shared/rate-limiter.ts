import type { CancellableContext } from './wait';
import { waitFor } from './wait';

export interface RateWindow {
	/** Requests allowed per window. */
	limit: number;
	windowMs: number;
}

/**
 * A client-side sliding-window limiter shared by every request of one node execution,
 * so that parallel workers stay inside the API's budget instead of collecting 429s.
 * When the server still answers 429, `pause` holds back every worker until Retry-After.
 */
export class RateLimiter {
	private readonly sent: number[] = [];

	private pausedUntil = 0;

	private readonly windows: RateWindow[];

	constructor(windows: RateWindow[]) {
		// The server counts a request when it arrives, a little after we counted it: a small
		// margin on each window keeps the two counts from disagreeing at the window's edge.
		this.windows = windows
			.filter((window) => window.limit > 0 && window.windowMs > 0)
			.map((window) => ({ ...window, windowMs: window.windowMs + Math.max(25, window.windowMs * 0.03) }));
	}

	/** Milliseconds until a request may go out; 0 means now. */
	private delay(now: number): number {
		let wait = Math.max(0, this.pausedUntil - now);
		for (const { limit, windowMs } of this.windows) {
			const inWindow = this.sent.filter((at) => at > now - windowMs);
			if (inWindow.length >= limit) {
				// The oldest request of the window that must expire before one more fits.
				const oldest = inWindow[inWindow.length - limit];
				wait = Math.max(wait, oldest + windowMs - now + 1);
			}
		}
		return wait;
	}

	/** Resolves when one request may be sent, and counts it. */
	async acquire(context: CancellableContext): Promise<void> {
		for (;;) {
			const now = Date.now();
			const wait = this.delay(now);
			if (wait === 0) {
				// Check and record happen in one synchronous step, so concurrent callers
				// can never both take the last free slot.
				this.sent.push(now);
				this.prune(now);
				return;
			}
			await waitFor(context, wait);
		}
	}

	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
	}

	private prune(now: number): void {
		const longest = Math.max(0, ...this.windows.map((window) => window.windowMs));
		while (this.sent.length && this.sent[0] <= now - longest) this.sent.shift();
	}
}
