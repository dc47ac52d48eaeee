import type { CancellableContext } from '../wait';
import { waitFor } from '../wait';
import { announcedPause } from './announced';
import { DeliveryClock } from './delivery';
import type { AcquireOptions, RateOutcome, RateTicket, RateWindow } from './types';

/** How far one 429 lowers the rate at least, and the floor. */
const DECREASE_ON_429 = 0.75;
const MIN_FACTOR = 0.2;
/** 429s closer together than this lower the rate once. */
const DECREASE_INTERVAL_MS = 1000;
/** Windows up to this long are the "rate" that adapts. */
const SHORT_WINDOW_MS = 1000;
/**
 * How long after a 429 from another process's use the budget counts as shared ("contended"):
 * the rate stays at the share that worked (recovering above it only for as long as the server
 * goes along), requests are spaced evenly and windows go out in slices. Two minutes: processes
 * that share a minute's budget meet its edge once a minute, so the memory must outlast a minute.
 */
const CONTENDED_MS = 120_000;
/**
 * A short window's budget goes out in this many slices, not in one burst, in the first window
 * after a pause and while contended (a 429 from another process's use in the last two minutes): when
 * another process (a queue-mode worker) starts or resumes on the same budget at the same moment,
 * the server has rejected only a slice by the time the first 429 comes back, not a whole window.
 * Two slices, because with a sliding window the first window's slices repeat in every later one,
 * so a batch alone may wait for them in its last window (up to half a window); more slices
 * save few 429s more and cost a batch alone more time (docs/rate-limiter-measurements.md).
 */
const BURST_SLICES = 2;
/**
 * A 429 after this process alone used this much of the short window is its own miscount (the
 * delivery margin was short), not another process: the margin grows, the rate stays.
 */
const OWN_SHARE = 0.9;
/** While a probe after a 429 is in flight, how often the others look whether it came back. */
const PROBE_POLL_MS = 10;
/**
 * A request ahead in the queue that is ready this soon keeps its place: the ones behind it wait
 * for it rather than take the slot it is about to claim (timers of waiters wake a few ms apart).
 */
const PLACE_HOLD_MS = 50;
/** How often a request behind a ready one looks again whether that one took its slot. */
const PLACE_POLL_MS = 5;
/**
 * Recovery: while the budget is contended, the rate returns to the configured budget once no 429
 * came for the hold (counted from the last 429, the end of a pause, or the first request after
 * an idle spell, whichever is latest: a pause teaches nothing about the others, and they may
 * resume with us), rising over the ramp. A 429 for a request sent above the share that worked
 * (the other process is still there) brings the rate back to that share and doubles the hold,
 * up to its cap, so a budget that stays shared is probed ever more rarely; once the budget is no
 * longer contended, the first hold applies again.
 */
const RECOVERY_HOLD_MS = 2000;
const RECOVERY_RAMP_MS = 1000;
const MAX_RECOVERY_HOLD_MS = 16_000;

export interface RateLimiterOptions {
	/** Shared with the account's other budgets; a new one when not given. */
	delivery?: DeliveryClock;
	/** The requests of this budget are answered at once: their round trips measure delivery. */
	measuresDelivery?: boolean;
}

/**
 * A client-side sliding-window limiter that counts as the server counts: a request occupies a
 * window from the moment it arrives (at the latest: when it was let go plus the measured
 * delivery margin, or when its answer came back, whichever is earlier); a request the server
 * rejected with 429 occupies nothing. It adapts to the server: a 429 means someone else (another
 * worker process) uses the same budget, so the rate drops and every user of the limiter waits
 * for Retry-After; once the 429s stop, the rate returns to the budget within seconds, and falls
 * back if the server disagrees. Requests wait in order, and a refused one keeps its place.
 * Rate-limit headers, when the API sends them, pause the limiter until the reset they announce
 * when nothing is left.
 */
export class RateLimiter {
	private tickets: RateTicket[] = [];

	private pausedUntil = 0;

	private windows: RateWindow[] = [];

	/**
	 * The share of the configured short-window budget that worked while the budget is contended:
	 * the rate holds to it, but for the recovery above it (see `currentFactor`).
	 */
	private factor = 1;

	/** When the rate was last lowered or a recovery refused (short-window 429s). */
	private lastDecreaseAt = -Infinity;

	/** When a 429 last showed another process using the budget (see CONTENDED_MS). */
	private lastContendedAt = -Infinity;

	/** When a 429 last said a long window (the minute) was used up by others too. */
	private lastLongWindowFullAt = -Infinity;

	/** When the server last refused a request (any 429). */
	private lastRefusalAt = -Infinity;

	/** The current hold before the rate recovers (see RECOVERY_HOLD_MS). */
	private recoveryHoldMs = RECOVERY_HOLD_MS;

	/** Requests waiting for a slot, by place. */
	private readonly waiting = new Set<Required<AcquireOptions>>();

	private nextPlace = 0;

	private lastGrantAt = -Infinity;

	/** The first grant after a pause of more than a short window: its window is sent in slices. */
	private warmupFrom = -Infinity;

	/**
	 * After a 429, the next request goes out alone: the others wait until it comes back
	 * accepted, so a budget still used up by another process costs one 429, not one per request
	 * in flight.
	 */
	private probe: RateTicket | 'next' | undefined;

	readonly delivery: DeliveryClock;

	private readonly measuresDelivery: boolean;

	/** Figures for tests and logs. */
	readonly stats = { granted: 0, rejected: 0 };

	constructor(windows: RateWindow[], options: RateLimiterOptions = {}) {
		this.delivery = options.delivery ?? new DeliveryClock();
		this.measuresDelivery = options.measuresDelivery === true;
		this.configure(windows);
	}

	/** Sets the limits (e.g. the Request Options of the latest execution using this budget). */
	configure(windows: RateWindow[]): void {
		this.windows = windows
			.filter((window) => window.limit >= 1 && window.windowMs > 0)
			.map((window) => ({ limit: Math.floor(window.limit), windowMs: window.windowMs }));
	}

	/** The share of the configured short-window budget used now, recovery included. */
	get rateFactor(): number {
		return this.currentFactor(Date.now());
	}

	private contended(now: number): boolean {
		return now - this.lastContendedAt < CONTENDED_MS;
	}

	/** The share that worked while contended; the whole budget otherwise. */
	private baseFactor(now: number): number {
		return this.contended(now) ? this.factor : 1;
	}

	/**
	 * The base share, or more once it has been calm for the hold: rising over the ramp to the
	 * configured budget (RECOVERY_HOLD_MS).
	 */
	private currentFactor(now: number): number {
		const base = this.baseFactor(now);
		if (base >= 1) return 1;
		// While the minute's budget is shared too, it sets the pace: a faster second would only
		// meet the minute's edge sooner, with a 429 for each process.
		if (now - this.lastLongWindowFullAt < CONTENDED_MS) return base;
		const calmSince = Math.max(this.lastDecreaseAt, this.pausedUntil, this.warmupFrom);
		const calmFor = now - calmSince - this.recoveryHoldMs;
		if (calmFor <= 0) return base;
		return base + (1 - base) * Math.min(1, calmFor / RECOVERY_RAMP_MS);
	}

	/** The latest moment the server can have counted this request. */
	private arrival(ticket: RateTicket, margin: number): number {
		const latest = ticket.grantedAt + margin;
		return ticket.settledAt === undefined ? latest : Math.min(ticket.settledAt, latest);
	}

	/** Milliseconds until a request may go out; 0 means now. */
	private delay(now: number): number {
		let wait = Math.max(0, this.pausedUntil - now);
		if (this.probe && this.probe !== 'next' && this.probe.settledAt === undefined)
			wait = Math.max(wait, PROBE_POLL_MS);
		const margin = this.delivery.marginMs;
		const current = this.currentFactor(now);
		for (const { limit, windowMs } of this.windows) {
			// The lowered rate applies to short windows only: lowering a long window's limit after its
			// slots were spent would stall every user for up to that window (a minute); for long
			// windows the server's Retry-After says how long to wait.
			const factor = windowMs <= SHORT_WINDOW_MS ? current : 1;
			const allowed = Math.max(1, Math.floor(limit * factor));
			// When each counted request leaves the server's window, at the latest.
			const leaves = this.tickets
				.filter((ticket) => ticket.counted)
				.map((ticket) => this.arrival(ticket, margin) + windowMs)
				.filter((at) => at > now)
				.sort((a, b) => a - b);
			if (leaves.length >= allowed)
				wait = Math.max(wait, leaves[leaves.length - allowed] - now + 1);
			const warmingUp =
				now - this.lastGrantAt > SHORT_WINDOW_MS || now - this.warmupFrom < windowMs;
			const contended = this.contended(now);
			if (windowMs <= SHORT_WINDOW_MS && allowed >= BURST_SLICES && (warmingUp || contended)) {
				// Slices by grant time only: smoothing, not the server's count, so no margin is added.
				const slice = windowMs / BURST_SLICES;
				const perSlice = Math.ceil(allowed / BURST_SLICES);
				const granted = this.tickets
					.filter((ticket) => ticket.counted && ticket.grantedAt > now - slice)
					.map((ticket) => ticket.grantedAt)
					.sort((a, b) => a - b);
				if (granted.length >= perSlice)
					wait = Math.max(wait, granted[granted.length - perSlice] + slice - now + 1);
			}
			// Shared with another process (a 429 came lately): requests are spaced evenly rather
			// than sent in bursts, so few are in flight when the next 429 comes back.
			if (factor < 1 && contended) {
				wait = Math.max(wait, this.lastGrantAt + windowMs / allowed - now);
			}
		}
		return wait;
	}

	/**
	 * Resolves when one request may be sent, and counts it. Requests go in the order of their
	 * places: a new request joins at the end, a retry keeps the place it had.
	 */
	async acquire(context: CancellableContext, options: AcquireOptions = {}): Promise<RateTicket> {
		const waiter = {
			place: options.place ?? this.nextPlace++,
			notBefore: options.notBefore ?? 0,
		};
		const queuedAt = Math.max(Date.now(), waiter.notBefore);
		this.waiting.add(waiter);
		try {
			for (;;) {
				const now = Date.now();
				const wait = Math.max(waiter.notBefore - now, this.delay(now));
				const ahead = wait === 0 ? this.waiterAhead(waiter, now) : undefined;
				if (wait === 0 && !ahead) {
					const ticket = this.grant(now, waiter.place);
					ticket.heldMs = Math.max(0, now - queuedAt);
					return ticket;
				}
				await waitFor(context, ahead ? Math.max(PLACE_POLL_MS, ahead.notBefore - now) : wait);
			}
		} finally {
			this.waiting.delete(waiter);
		}
	}

	/** A request before `waiter` that is ready now, or about to be: it goes first. */
	private waiterAhead(waiter: Required<AcquireOptions>, now: number) {
		let first: Required<AcquireOptions> | undefined;
		for (const other of this.waiting) {
			if (other.place >= waiter.place || other.notBefore > now + PLACE_HOLD_MS) continue;
			if (!first || other.place < first.place) first = other;
		}
		return first;
	}

	/**
	 * Records a request let go now. Check and record happen in one synchronous step, so
	 * concurrent callers (of every execution sharing this limiter) never both take the last slot.
	 */
	private grant(now: number, place: number): RateTicket {
		const ticket: RateTicket = {
			grantedAt: now,
			counted: true,
			place,
			recovering: this.currentFactor(now) > this.baseFactor(now),
		};
		this.tickets.push(ticket);
		if (now - this.lastGrantAt > SHORT_WINDOW_MS) this.warmupFrom = now;
		this.lastGrantAt = now;
		if (this.probe === 'next') this.probe = ticket;
		this.stats.granted++;
		this.prune(now);
		return ticket;
	}

	/** Tells the limiter how the request of `ticket` ended. */
	settle(ticket: RateTicket | undefined, outcome: RateOutcome): void {
		if (!ticket || ticket.settledAt !== undefined) return;
		const now = Date.now();
		ticket.settledAt = now;
		if (outcome.notSent) {
			ticket.counted = false;
			return;
		}
		if (outcome.status === 429) {
			this.refused(ticket, outcome, now);
			return;
		}
		// The probe came back without a 429 (or failed otherwise): the others may go again.
		if (this.probe === ticket || (this.probe !== 'next' && this.probe?.settledAt !== undefined))
			this.probe = undefined;
		if (this.measuresDelivery) this.delivery.observe(now - ticket.grantedAt);
		const announced = announcedPause(outcome.headers, now);
		if (announced !== undefined) this.pause(announced);
	}

	/**
	 * A 429: the server did not count the request (it turned it away), but its window was fuller
	 * than ours. The rate drops to the share this process got, once per burst (the requests in
	 * flight when the budget ran out all come back 429 together: one signal, not many); if the
	 * request went out while the rate was recovering, the other process is still there: the rate
	 * goes back to the share that last worked, and the next recovery waits twice as long.
	 */
	private refused(ticket: RateTicket, outcome: RateOutcome, now: number): void {
		ticket.counted = false;
		this.stats.rejected++;
		this.delivery.observe(now - ticket.grantedAt);
		this.delivery.surprised();
		if (now - this.lastRefusalAt > CONTENDED_MS) this.recoveryHoldMs = RECOVERY_HOLD_MS;
		this.lastRefusalAt = now;
		// A Retry-After longer than a short window says a long window (the minute) is used up:
		// another process shares the budget, but nothing is known about the per-second rate.
		const longWindowFull =
			outcome.retryAfterMs !== undefined && outcome.retryAfterMs > SHORT_WINDOW_MS;
		if (longWindowFull) {
			this.lastContendedAt = now;
			this.lastLongWindowFullAt = now;
		} else if (now - this.lastDecreaseAt >= DECREASE_INTERVAL_MS) {
			const share = this.observedShare(ticket);
			if (ticket.recovering) {
				this.recoveryHoldMs = Math.min(MAX_RECOVERY_HOLD_MS, this.recoveryHoldMs * 2);
				this.lastDecreaseAt = now;
				this.lastContendedAt = now;
			} else if (share < OWN_SHARE) {
				this.factor = Math.max(MIN_FACTOR, Math.min(this.baseFactor(now) * DECREASE_ON_429, share));
				this.lastDecreaseAt = now;
				this.lastContendedAt = now;
			}
		}
		if (outcome.retryAfterMs !== undefined) this.pause(outcome.retryAfterMs);
		this.probe = 'next';
	}

	/**
	 * The share of the short window's budget this process got before the server refused `refused`:
	 * the requests it let go in the window before that one. The rest went to someone else (another
	 * worker), so this is the rate two or more processes can keep up together without 429s.
	 */
	private observedShare(refused: RateTicket): number {
		const short = this.windows.filter((window) => window.windowMs <= SHORT_WINDOW_MS);
		if (!short.length) return 1;
		const { limit, windowMs } = short.reduce((a, b) =>
			a.limit / a.windowMs <= b.limit / b.windowMs ? a : b,
		);
		// Tickets are kept in the order they were granted.
		const position = this.tickets.indexOf(refused);
		const before = (position < 0 ? this.tickets : this.tickets.slice(0, position)).filter(
			(ticket) => ticket.counted && ticket.grantedAt > refused.grantedAt - windowMs,
		).length;
		return Math.max(1, before) / limit;
	}

	/** Holds back every user of this limiter for `ms` (Retry-After: exactly as long as it says). */
	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + Math.max(0, ms));
	}

	private prune(now: number): void {
		const longest = Math.max(0, ...this.windows.map((window) => window.windowMs));
		const margin = this.delivery.marginMs;
		// A ticket that left every window is forgotten, settled or not (a request cancelled in
		// flight is never settled): the list stays as long as the longest window's traffic.
		this.tickets = this.tickets.filter(
			(ticket) => ticket.counted && this.arrival(ticket, margin) + longest > now,
		);
	}
}
