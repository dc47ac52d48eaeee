import type { Attempt, Outcome, PolicySettings } from '../../nodes/shared/http';
import { decide, DEFAULT_RETRY, onlyReads } from '../../nodes/shared/http';

const settings = (overrides: Partial<PolicySettings> = {}): PolicySettings => ({
	...DEFAULT_RETRY,
	idempotent: false,
	goneMeansDone: false,
	reads: false,
	...overrides,
});
const attempt = (overrides: Partial<Attempt> = {}): Attempt => ({
	retries: 0,
	refusals: 0,
	renewed: false,
	maybeActed: false,
	startedAt: 1_000_000,
	heldMs: 0,
	now: 1_000_000,
	random: () => 0.5,
	...overrides,
});
const status = (
	code: number,
	overrides: Partial<Extract<Outcome, { kind: 'status' }>> = {},
): Outcome => ({
	kind: 'status',
	status: code,
	retryAfterTooLong: false,
	quota: false,
	renewable: false,
	...overrides,
});

describe('decide (the retry policy)', () => {
	it('retries a refused connection even when the request is not safe to repeat', () => {
		expect(decide({ kind: 'network', code: 'ECONNREFUSED' }, attempt(), settings())).toEqual({
			kind: 'retry',
			delayMs: 375,
			counts: 'retry',
			reason: 'ECONNREFUSED',
			retryNumber: 1,
		});
	});

	it('does not retry a dropped connection of a request that may have been carried out', () => {
		expect(decide({ kind: 'network', code: 'ECONNRESET' }, attempt(), settings())).toEqual({
			kind: 'networkError',
			attempts: 1,
		});
		expect(
			decide({ kind: 'network', code: 'ECONNRESET' }, attempt(), settings({ idempotent: true }))
				.kind,
		).toBe('retry');
	});

	it('does not retry a host name that does not resolve', () => {
		expect(
			decide({ kind: 'network', code: 'ENOTFOUND' }, attempt(), settings({ idempotent: true }))
				.kind,
		).toBe('networkError');
	});

	it('reports how often the request was sent once the retries ran out', () => {
		const decision = decide(
			{ kind: 'network', code: 'ECONNREFUSED' },
			attempt({ retries: 3 }),
			settings(),
		);
		expect(decision).toEqual({ kind: 'networkError', attempts: 4 });
	});

	it('takes no retry whose pause would end after the deadline', () => {
		const decision = decide(
			{ kind: 'network', code: 'ECONNREFUSED' },
			attempt({ deadline: 1_000_100 }),
			settings(),
		);
		expect(decision.kind).toBe('networkError');
	});

	it('counts 429 refusals apart from Max Retries, with a pause that grows', () => {
		const first = decide(status(429, { retryAfter: 0 }), attempt({ retries: 3 }), settings());
		expect(first).toEqual({
			kind: 'retry',
			delayMs: 0,
			counts: 'refusal',
			reason: 'HTTP 429',
			retryNumber: 1,
		});
		const fifth = decide(status(429, { retryAfter: 0 }), attempt({ refusals: 4 }), settings());
		expect(fifth).toMatchObject({ kind: 'retry', delayMs: 100, counts: 'refusal', retryNumber: 5 });
		const many = decide(status(429, { retryAfter: 0 }), attempt({ refusals: 100 }), settings());
		expect(many).toMatchObject({ delayMs: 1000 });
	});

	it('gives up on refusals when the timeout, counted from the first try, is over', () => {
		const decision = decide(
			status(429, { retryAfter: 2000 }),
			attempt({ refusals: 7, now: 1_119_000 }),
			settings(),
		);
		expect(decision).toEqual({ kind: 'rateLimitTimeout', refusals: 8, elapsedMs: 119_000 });
	});

	it('reports a Retry-After too long to wait for, and a quota stop without retrying', () => {
		expect(
			decide(status(429, { retryAfter: 600_000, retryAfterTooLong: true }), attempt(), settings()),
		).toEqual({
			kind: 'apiError',
			retryAfterMs: 600_000,
			quota: false,
			refused: true,
		});
		expect(decide(status(429, { quota: true }), attempt(), settings())).toEqual({
			kind: 'apiError',
			retryAfterMs: undefined,
			quota: true,
			refused: false,
		});
	});

	it('retries a 503 with Retry-After as a counted retry, and server errors only when safe', () => {
		expect(decide(status(503, { retryAfter: 1000 }), attempt(), settings())).toMatchObject({
			kind: 'retry',
			delayMs: 1000,
			counts: 'retry',
		});
		expect(decide(status(502), attempt(), settings()).kind).toBe('apiError');
		expect(decide(status(502), attempt(), settings({ idempotent: true })).kind).toBe('retry');
	});

	it('renews a session once, and takes a 404 after an unclear failure as done when asked to', () => {
		expect(decide(status(403, { renewable: true }), attempt(), settings())).toEqual({
			kind: 'renewSession',
		});
		expect(
			decide(status(403, { renewable: true }), attempt({ renewed: true }), settings()).kind,
		).toBe('apiError');
		const gone = settings({ goneMeansDone: true, idempotent: true });
		expect(decide(status(404), attempt({ maybeActed: true }), gone)).toEqual({ kind: 'gone' });
		expect(decide(status(404), attempt(), gone).kind).toBe('apiError');
	});

	it('retries a malformed success of a read within Max Retries and the deadline, and reports it after', () => {
		const malformed: Outcome = { kind: 'contract', status: 200, what: 'a list of events' };
		const reads = settings({ idempotent: true, reads: true, maxRetries: 2 });
		expect(decide(malformed, attempt(), reads)).toEqual({
			kind: 'retry',
			delayMs: 375,
			counts: 'retry',
			reason: 'HTTP 200 without a list of events',
			retryNumber: 1,
		});
		expect(decide(malformed, attempt({ retries: 1 }), reads).kind).toBe('retry');
		expect(decide(malformed, attempt({ retries: 2 }), reads)).toEqual({ kind: 'contractError' });
		expect(decide(malformed, attempt({ deadline: 1_000_100 }), reads)).toEqual({
			kind: 'contractError',
		});
	});

	it('reports a malformed success of a write at once: the server acted on it', () => {
		const malformed: Outcome = { kind: 'contract', status: 200, what: 'the new thread' };
		expect(decide(malformed, attempt(), settings())).toEqual({ kind: 'contractError' });
		// A DELETE or PUT is safe to repeat after a failure, but it changed something: not a read.
		expect(onlyReads('DELETE', true)).toBe(false);
		expect(onlyReads('PUT', true)).toBe(false);
		expect(onlyReads('GET', true)).toBe(true);
		expect(onlyReads('POST', true)).toBe(true);
		expect(onlyReads('POST', false)).toBe(false);
	});
});
