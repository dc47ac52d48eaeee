/**
 * Bounds of the delivery margin, in ms: below the lower one a scheduling blip of n8n (GC, a busy
 * event loop) already costs a 429; above the upper one the limiter would give away budget for a
 * delivery delay no healthy connection has.
 */
const MIN_MARGIN_MS = 40;
const MAX_MARGIN_MS = 400;
/** Until something was measured: a margin above the delivery delays n8n shows (docs/rate-limiter-measurements.md). */
const INITIAL_MARGIN_MS = 150;
/** Recent round trips kept: enough to see the spread, few enough to follow a change. */
const DELIVERY_SAMPLES = 40;
/** Samples older than this are dropped, as long as this many recent ones are left. */
const SAMPLE_AGE_MS = 2000;
const DELIVERY_SAMPLES_MIN = 10;

/**
 * The measured spread is widened by a quarter plus a few ms: recent samples may have missed the
 * worst delay, and a timer fires a few ms late.
 */
const MARGIN_SPREAD_FACTOR = 1.25;
const MARGIN_SLACK_MS = 5;
/**
 * A 429 the limiter did not expect widens the margin by this many steps (at most the cap); each
 * request answered at once takes one step off again, so the care wears off as the count agrees.
 */
const SURPRISE_STEPS = 3;
const MAX_SURPRISE_STEPS = 10;
const SURPRISE_STEP_MS = 20;

/**
 * How long requests of one API account take to reach the server. The server counts a request
 * when it arrives; the client only knows when it let it go and when the answer came back. The
 * round trip of a quick request (no model behind it, or a 429) bounds the delivery delay from
 * above, so the largest recent one is the margin by which the two counts may disagree.
 */
export class DeliveryClock {
	private samples: Array<{ at: number; ms: number }> = [];

	private bump = 0;

	/** Records the round trip of a request the server answers at once. */
	observe(roundTripMs: number, now = Date.now()): void {
		if (!(roundTripMs >= 0)) return;
		this.samples.push({ at: now, ms: roundTripMs });
		// The recent past only: the first requests of a process (n8n warming up) were slower.
		const firstKept = this.samples.findIndex((sample) => sample.at >= now - SAMPLE_AGE_MS);
		const keep = Math.min(
			this.samples.length - DELIVERY_SAMPLES_MIN,
			Math.max(
				this.samples.length - DELIVERY_SAMPLES,
				firstKept < 0 ? this.samples.length : firstKept,
			),
		);
		if (keep > 0) this.samples = this.samples.slice(keep);
		this.bump = Math.max(0, this.bump - 1);
	}

	/** The server counted more than we did: be more careful for a while. */
	surprised(): void {
		this.bump = Math.min(MAX_SURPRISE_STEPS, this.bump + SURPRISE_STEPS);
	}

	/**
	 * What the margin must cover is how much later an earlier request may have arrived than a
	 * later one does (both are delayed alike; only the difference shifts the server's window
	 * against ours): the spread of recent round trips. Until enough are measured, the largest
	 * round trip itself, which bounds the delay from above.
	 */
	get marginMs(): number {
		const times = this.samples.map((sample) => sample.ms);
		const measured = !times.length
			? INITIAL_MARGIN_MS
			: times.length < DELIVERY_SAMPLES_MIN
				? Math.max(...times)
				: Math.max(...times) - Math.min(...times);
		const widened = measured * MARGIN_SPREAD_FACTOR + MARGIN_SLACK_MS;
		return Math.min(MAX_MARGIN_MS, Math.max(MIN_MARGIN_MS, widened) + this.bump * SURPRISE_STEP_MS);
	}
}
