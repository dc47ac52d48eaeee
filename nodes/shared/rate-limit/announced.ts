import { headerValue } from '../http/headers';
import type { RateOutcome } from './types';

/** "1.5", "20ms", "6m0s" (OpenAI style) or seconds: a duration in ms. */
function parseDuration(value: string): number | undefined {
	const raw = value.trim();
	if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
	const parts = raw.match(/(\d+(?:\.\d+)?)(ms|s|m|h)/g);
	if (!parts || parts.join('') !== raw) return undefined;
	const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
	return parts.reduce((sum, part) => {
		const [, amount, name] = part.match(/(\d+(?:\.\d+)?)(ms|s|m|h)/)!;
		return sum + Number(amount) * unit[name];
	}, 0);
}

/**
 * An announced reset is waited for this long at most: as long as a request may take by default,
 * so that a wrong or far-off reset cannot stall every user of the budget.
 */
const MAX_ANNOUNCED_PAUSE_MS = 120_000;
/** A reset above this many seconds is a Unix time (after 2001), not a duration. */
const UNIX_TIME_ABOVE_S = 1e9;

/**
 * When the API sends rate-limit headers and says nothing is left, how long until the reset.
 * Reset values that look like a Unix time (seconds) are read as one.
 */
export function announcedPause(
	headers: RateOutcome['headers'],
	now = Date.now(),
): number | undefined {
	const remaining =
		headerValue(headers, 'x-ratelimit-remaining-requests') ??
		headerValue(headers, 'x-ratelimit-remaining') ??
		headerValue(headers, 'ratelimit-remaining');
	if (remaining === undefined || Number(remaining) > 0 || Number.isNaN(Number(remaining)))
		return undefined;
	const reset =
		headerValue(headers, 'x-ratelimit-reset-requests') ??
		headerValue(headers, 'x-ratelimit-reset') ??
		headerValue(headers, 'ratelimit-reset');
	if (reset === undefined) return undefined;
	const number = Number(reset);
	if (Number.isFinite(number) && number > UNIX_TIME_ABOVE_S)
		return Math.min(MAX_ANNOUNCED_PAUSE_MS, Math.max(0, number * 1000 - now));
	const ms = parseDuration(reset);
	return ms === undefined ? undefined : Math.min(ms, MAX_ANNOUNCED_PAUSE_MS);
}
