/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/** The client-side rate limiter (issue 14): counts as the server does, adapts to 429s, one budget per account. */
import {
	DeliveryClock,
	RateLimiter,
	accountKey,
	announcedPause,
	resetSharedLimiters,
	sharedLimiter,
} from '../../nodes/shared/rate-limit';

const context = {};

async function timeOf(action: () => Promise<unknown>): Promise<number> {
	const started = Date.now();
	await action();
	return Date.now() - started;
}

/** A clock that stands where `Date.now()` is set to, `ms` after the moment it was made. */
function clockFrom(now = Date.now()) {
	return (ms: number) => jest.spyOn(Date, 'now').mockReturnValue(now + ms);
}

afterEach(() => {
	jest.restoreAllMocks();
	resetSharedLimiters();
});

describe('RateLimiter', () => {
	it('holds a request until the one before it left the window', async () => {
		const limiter = new RateLimiter([{ limit: 1, windowMs: 200 }]);
		limiter.settle(await limiter.acquire(context), { status: 200 });
		const waited = await timeOf(async () => await limiter.acquire(context));
		expect(waited).toBeGreaterThanOrEqual(190);
		expect(waited).toBeLessThan(400);
	});

	it('counts a request from its answer when that came back before the delivery margin', async () => {
		const delivery = new DeliveryClock();
		delivery.observe(0);
		const limiter = new RateLimiter([{ limit: 1, windowMs: 150 }], { delivery });
		const ticket = await limiter.acquire(context);
		limiter.settle(ticket, { status: 200 });
		const waited = await timeOf(async () => await limiter.acquire(context));
		// 150 ms window from the answer, not 150 ms plus a fixed margin.
		expect(waited).toBeLessThan(150 + delivery.marginMs + 60);
		expect(waited).toBeGreaterThanOrEqual(140);
	});

	it('keeps an unanswered request in the window until the measured delivery margin has passed', async () => {
		const delivery = new DeliveryClock();
		delivery.observe(80); // a quick request took 80 ms there and back
		expect(delivery.marginMs).toBe(105);
		const limiter = new RateLimiter([{ limit: 1, windowMs: 100 }], { delivery });
		await limiter.acquire(context); // never settled: may have arrived as late as 105 ms after
		const waited = await timeOf(async () => await limiter.acquire(context));
		expect(waited).toBeGreaterThanOrEqual(200);
	});

	it('measures delivery from the spread of recent round trips: the slow first requests of a warming process fade', () => {
		const delivery = new DeliveryClock();
		delivery.observe(80, 1000);
		// Too few to know the spread: the round trip itself bounds the delay.
		expect(delivery.marginMs).toBe(105);
		for (let i = 1; i < 10; i++) delivery.observe(i % 2 ? 10 : 80, 1000 + i);
		// 10 to 80 ms: an earlier request may have arrived up to 70 ms later than a later one.
		expect(delivery.marginMs).toBe(92.5);
		for (let i = 0; i < 10; i++) delivery.observe(i % 2 ? 20 : 52, 4000 + i);
		// The older samples are over 2 s old and ten recent ones are left: 20 to 52 ms.
		expect(delivery.marginMs).toBe(45);
	});

	it('a request rejected with 429 uses up no slot, and Retry-After pauses exactly as long as it says', async () => {
		const limiter = new RateLimiter([{ limit: 10, windowMs: 60_000 }]);
		const tickets = [];
		for (let i = 0; i < 10; i++) tickets.push(await limiter.acquire(context));
		for (const ticket of tickets.slice(0, 5)) limiter.settle(ticket, { status: 200 });
		// The server turned the sixth away: its slot is free again, and everyone waits 120 ms.
		limiter.settle(tickets[5], { status: 429, retryAfterMs: 120 });
		expect(tickets[5].counted).toBe(false);
		expect(limiter.stats.rejected).toBe(1);
		// No short window here: there is no rate to lower.
		expect(limiter.rateFactor).toBe(1);
	});

	it('waits for Retry-After and no longer when the window has room', async () => {
		const limiter = new RateLimiter([{ limit: 100, windowMs: 1000 }]);
		limiter.settle(await limiter.acquire(context), { status: 429, retryAfterMs: 150 });
		const waited = await timeOf(async () => await limiter.acquire(context));
		expect(waited).toBeGreaterThanOrEqual(140);
		expect(waited).toBeLessThan(300);
	});

	it('after a 429 keeps to the share of the budget it got, once per burst, and returns to the budget within three seconds once the 429s stop', async () => {
		const limiter = new RateLimiter([{ limit: 10, windowMs: 1000 }]);
		// Four went through in the window before the server refused the fifth: someone else used the other six.
		for (let i = 0; i < 4; i++) limiter.settle(await limiter.acquire(context), { status: 200 });
		const refused = await limiter.acquire(context);
		const inFlight = await limiter.acquire(context);
		limiter.settle(refused, { status: 429 });
		expect(limiter.rateFactor).toBeCloseTo(0.4);
		// Two 429s of one burst are one signal.
		limiter.settle(inFlight, { status: 429 });
		expect(limiter.rateFactor).toBeCloseTo(0.4);
		const succeeded = () =>
			limiter.settle({ grantedAt: Date.now(), counted: true }, { status: 200 });
		// Within the hold the other process is taken to be still there: successes raise nothing.
		for (let i = 0; i < 10; i++) succeeded();
		expect(limiter.rateFactor).toBeCloseTo(0.4);
		const at = clockFrom();
		// Calm for the hold (2 s), then half-way up the ramp (1 s), then at the budget.
		at(1500);
		expect(limiter.rateFactor).toBeCloseTo(0.4);
		at(2500);
		expect(limiter.rateFactor).toBeCloseTo(0.7);
		at(3100);
		expect(limiter.rateFactor).toBe(1);
		// A request sent at the recovered rate is refused: the other process is still there.
		const probe = await limiter.acquire(context);
		at(3300);
		limiter.settle(probe, { status: 429 });
		expect(limiter.rateFactor).toBeCloseTo(0.4);
		// The next recovery holds twice as long: 4 s, then the ramp.
		at(7200);
		expect(limiter.rateFactor).toBeCloseTo(0.4);
		at(7800);
		expect(limiter.rateFactor).toBeCloseTo(0.7);
		at(8400);
		expect(limiter.rateFactor).toBe(1);
		// Two minutes after the last 429 the budget is no longer taken to be shared.
		at(123_400);
		expect(limiter.rateFactor).toBe(1);
	});

	it('a refused request keeps its place: it goes before the requests that queued while it waited out its pause', async () => {
		const limiter = new RateLimiter([{ limit: 1, windowMs: 100 }]);
		const first = await limiter.acquire(context);
		limiter.settle(first, { status: 200 });
		const order: string[] = [];
		// Two newcomers queue for the next slot; the refused request comes back for it 20 ms later.
		const newcomers = ['b', 'c'].map((name) =>
			limiter.acquire(context).then((ticket) => {
				order.push(name);
				limiter.settle(ticket, { status: 200 });
			}),
		);
		const retry = limiter
			.acquire(context, { place: first.place, notBefore: Date.now() + 20 })
			.then((ticket) => {
				order.push('a');
				limiter.settle(ticket, { status: 200 });
				return ticket;
			});
		await Promise.all([...newcomers, retry]);
		expect(order).toEqual(['a', 'b', 'c']);
	});

	it("counts the time it held a request in its own queue, not the request's own pause", async () => {
		const limiter = new RateLimiter([{ limit: 1, windowMs: 200 }]);
		limiter.settle(await limiter.acquire(context), { status: 200 });
		const held = await limiter.acquire(context);
		expect(held.heldMs).toBeGreaterThanOrEqual(150);
		limiter.settle(held, { status: 200 });
		const own = await limiter.acquire(context, { notBefore: Date.now() + 300 });
		expect(own.heldMs).toBeLessThan(50);
	});

	it('no recovery while a 429 said the minute is used up: the minute sets the pace', async () => {
		const limiter = new RateLimiter([
			{ limit: 10, windowMs: 1000 },
			{ limit: 100, windowMs: 60_000 },
		]);
		for (let i = 0; i < 4; i++) limiter.settle(await limiter.acquire(context), { status: 200 });
		limiter.settle(await limiter.acquire(context), { status: 429 });
		expect(limiter.rateFactor).toBeCloseTo(0.4);
		const at = clockFrom();
		at(1100);
		limiter.settle(await limiter.acquire(context), { status: 429, retryAfterMs: 30_000 });
		at(40_000);
		expect(limiter.rateFactor).toBeCloseTo(0.4);
		at(1100 + 120_001);
		expect(limiter.rateFactor).toBe(1);
	});

	it('a 429 that says the minute is used up (Retry-After over a second) leaves the per-second rate alone', async () => {
		const limiter = new RateLimiter([
			{ limit: 10, windowMs: 1000 },
			{ limit: 100, windowMs: 60_000 },
		]);
		limiter.settle(await limiter.acquire(context), { status: 429, retryAfterMs: 30_000 });
		expect(limiter.rateFactor).toBe(1);
	});

	it('a 429 after this process alone filled the window is its own miscount: the margin grows, the rate stays', async () => {
		const delivery = new DeliveryClock();
		for (let i = 0; i < 10; i++) delivery.observe(20);
		const limiter = new RateLimiter([{ limit: 3, windowMs: 1000 }], { delivery });
		for (let i = 0; i < 3; i++) limiter.settle(await limiter.acquire(context), { status: 200 });
		const margin = limiter.delivery.marginMs;
		limiter.settle({ grantedAt: Date.now(), counted: true }, { status: 429 });
		expect(limiter.rateFactor).toBe(1);
		expect(limiter.delivery.marginMs).toBeGreaterThan(margin);
	});

	it('lowers only the short window: a lowered minute budget would stall everyone for a minute', async () => {
		const limiter = new RateLimiter([{ limit: 4, windowMs: 60_000 }]);
		const tickets = [await limiter.acquire(context), await limiter.acquire(context)];
		limiter.settle(tickets[0], { status: 429 });
		limiter.settle(tickets[1], { status: 200 });
		// 1 counted of 4 per minute: two more fit at once although the rate is lowered.
		const probe = await limiter.acquire(context);
		expect(limiter.stats.granted).toBe(3);
		limiter.settle(probe, { status: 200 });
		expect(await timeOf(async () => await limiter.acquire(context))).toBeLessThan(50);
	});

	it("sends a short window's budget in two slices in its first window, and while contended", async () => {
		const limiter = new RateLimiter([{ limit: 10, windowMs: 500 }]);
		const started = Date.now();
		const grantedAt: number[] = [];
		for (let i = 0; i < 10; i++) {
			limiter.settle(await limiter.acquire(context), { status: 200 });
			grantedAt.push(Date.now() - started);
		}
		// Five at once, the other five 250 ms later.
		expect(grantedAt[4]).toBeLessThan(40);
		expect(grantedAt[5]).toBeGreaterThanOrEqual(245);
		expect(grantedAt[9]).toBeLessThan(330);
		// Another process took 8 of the window's 10 before this one was refused: contended.
		const limiterAfter = new RateLimiter([{ limit: 10, windowMs: 500 }]);
		for (let i = 0; i < 2; i++)
			limiterAfter.settle(await limiterAfter.acquire(context), { status: 200 });
		limiterAfter.settle(await limiterAfter.acquire(context), { status: 429 });
		// Its share was 2 of 10: the rate is 2 per 500 ms, in slices of one, and evenly spaced.
		const resumed = Date.now();
		for (let i = 0; i < 3; i++)
			limiterAfter.settle(await limiterAfter.acquire(context), { status: 200 });
		expect(Date.now() - resumed).toBeGreaterThanOrEqual(200);
	});

	it('after a 429 the next request goes out alone, and the others follow once it was accepted', async () => {
		const limiter = new RateLimiter([]);
		limiter.settle(await limiter.acquire(context), { status: 429 });
		const probe = await limiter.acquire(context);
		let followed = false;
		const next = limiter.acquire(context).then((ticket) => {
			followed = true;
			return ticket;
		});
		await new Promise((resolve) => setTimeout(resolve, 60));
		expect(followed).toBe(false);
		limiter.settle(probe, { status: 200 });
		limiter.settle(await next, { status: 200 });
		expect(followed).toBe(true);
		expect(await timeOf(async () => await limiter.acquire(context))).toBeLessThan(20);
	});

	it('a request that never reached the server (connection refused) uses up no slot', async () => {
		const limiter = new RateLimiter([{ limit: 1, windowMs: 60_000 }]);
		limiter.settle(await limiter.acquire(context), { notSent: true });
		expect(await timeOf(async () => await limiter.acquire(context))).toBeLessThan(50);
	});

	it('pauses until the announced reset when rate-limit headers say nothing is left', async () => {
		const limiter = new RateLimiter([]);
		limiter.settle(await limiter.acquire(context), {
			status: 200,
			headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '150ms' },
		});
		expect(await timeOf(async () => await limiter.acquire(context))).toBeGreaterThanOrEqual(140);
	});

	it('a limit of 0 turns a window off', async () => {
		const limiter = new RateLimiter([{ limit: 0, windowMs: 1000 }]);
		for (let i = 0; i < 50; i++) await limiter.acquire(context);
		expect(limiter.stats.granted).toBe(50);
	});
});

describe('announcedPause', () => {
	it('reads the usual rate-limit headers', () => {
		expect(announcedPause({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2' })).toBe(2000);
		expect(
			announcedPause({
				'x-ratelimit-remaining-requests': '0',
				'x-ratelimit-reset-requests': '1m6s',
			}),
		).toBe(66_000);
		expect(
			announcedPause(
				{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000010' },
				1_700_000_000_000,
			),
		).toBe(10_000);
		expect(
			announcedPause({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '2' }),
		).toBeUndefined();
		expect(announcedPause({})).toBeUndefined();
	});
});

describe('one budget per account in the process', () => {
	it('keys by credential and base URL without keeping the secret', () => {
		const key = accountKey({
			credentialType: 'haufeCopilotApi',
			secret: 'hk-live-secret',
			baseUrl: 'http://127.0.0.1:1/v1/',
		});
		expect(key).not.toContain('hk-live-secret');
		expect(key).toBe(
			accountKey({
				credentialType: 'haufeCopilotApi',
				secret: 'hk-live-secret',
				baseUrl: 'http://127.0.0.1:1/v1',
			}),
		);
		expect(key).not.toBe(
			accountKey({
				credentialType: 'haufeCopilotApi',
				secret: 'other',
				baseUrl: 'http://127.0.0.1:1/v1',
			}),
		);
		expect(
			accountKey({
				credentialType: 'haufeCopilotApi',
				credentialId: '42',
				baseUrl: 'http://127.0.0.1:1',
			}),
		).toContain('id:42');
	});

	it('gives every caller with the same account the same limiter, configured with the latest limits', async () => {
		const a = sharedLimiter('account', 'answer', [{ limit: 1, windowMs: 60_000 }]);
		const b = sharedLimiter('account', 'answer', [{ limit: 2, windowMs: 60_000 }]);
		expect(b).toBe(a);
		expect(sharedLimiter('account', 'general', [])).not.toBe(a);
		expect(sharedLimiter('other', 'answer', [])).not.toBe(a);
		expect(sharedLimiter('account', 'general', []).delivery).toBe(a.delivery);
		await a.acquire(context);
		expect(await timeOf(async () => await b.acquire(context))).toBeLessThan(50);
	});
});
