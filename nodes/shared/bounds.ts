import type { Logger } from 'n8n-workflow';

/**
 * The ranges of every setting that bounds time or load. An expression can give any value (0,
 * −1, NaN, a string); whatever it gives, the node uses a value inside the range (and logs that it
 * did), so a setting can never mean "no timeout", "poll without pause" or a negative time.
 */
export interface Range {
	min: number;
	max: number;
	/** Used when the value is missing or not a number. */
	default: number;
}

export const RANGES = {
	/** Request Options > Timeout (Seconds): per attempt of one request. */
	timeoutSeconds: { min: 1, max: 600, default: 120 },
	/** Request Options > Max Retries. */
	maxRetries: { min: 0, max: 10, default: 3 },
	/** Wait Timeout (Seconds) of every wait, for a run or a file (run-wait.ts). */
	waitTimeoutSeconds: { min: 1, max: 3600, default: 300 },
	/** Poll Interval (Seconds) of the waits: at most 20 requests per second and per item. */
	pollIntervalSeconds: { min: 0.05, max: 300, default: 1 },
	/** Griptape Event > Collect Stream: Collect For (Seconds). */
	collectSeconds: { min: 1, max: 3600, default: 60 },
	/** Items processed at once. */
	concurrency: { min: 1, max: 20, default: 1 },
} satisfies Record<string, Range>;

/** "1–600" for field descriptions. */
export function rangeText(range: Range): string {
	return `${range.min}–${range.max}`;
}

/**
 * A number inside `range`: missing or non-numeric values give the default, others are clamped.
 * When the value had to be changed, `logger` (if given) says so, naming the field.
 */
export function clamp(
	value: unknown,
	range: Range,
	field: string,
	logger?: Pick<Logger, 'warn'>,
): number {
	const missing = value === undefined || value === null || value === '';
	const number = typeof value === 'number' ? value : Number(value);
	if (missing) return range.default;
	if (!Number.isFinite(number)) {
		logger?.warn(`"${field}" is not a number (${String(value)}): using ${range.default}`);
		return range.default;
	}
	const clamped = Math.min(range.max, Math.max(range.min, number));
	if (clamped !== number)
		logger?.warn(`"${field}" ${number} is outside ${rangeText(range)}: using ${clamped}`);
	return clamped;
}
