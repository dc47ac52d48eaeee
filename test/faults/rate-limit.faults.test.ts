/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * What the limiter delays, it does not drop (issue 22): at the lowest tier, with a short Timeout
 * (10 s) and 429s from another client's use of the same budget, a read phase and an Ask batch
 * longer than a minute's budget answer every item exactly once, none failed. The package's own
 * queue holds the last requests of each for most of a minute (far past the Timeout): that wait is
 * the package's, not the API's refusal, and is not held against the request.
 *
 * The other client is modelled by the sandbox's faults: every so often a request is refused with
 * 429 and Retry-After 1 s (as the server does when someone else used the second's budget) without
 * using any of the budget, as a refusal does not.
 */
import type { IDataObject } from 'n8n-workflow';

import { askParameters, json, locator, seedThread, useHaufeSandbox } from '../helpers/haufe';

const LOWEST_TIER = {
	answer: { perSecond: 15, perMinute: 60 },
	general: { perSecond: 60, perMinute: 180 },
};
const ctx = useHaufeSandbox({ rateLimits: LOWEST_TIER });

/** The short Timeout of the runs, in seconds. */
const TIMEOUT_S = 10;
/** A minute of budget plus the requests that wait in the package's queue for the next one. */
const TEST_TIMEOUT_MS = 180_000;

/** Refuses one request in `every` matching `path` with 429, `count` times in all. */
function refuseEvery(path: RegExp, method: string, every: number, count: number) {
	for (let i = 0; i < count; i++)
		ctx.sandbox.faults.add({
			method,
			path,
			kind: 'status',
			status: 429,
			retryAfter: 1,
			skip: every - 1,
			times: 1,
		});
}

function refusedOn(path: RegExp): number {
	return ctx.sandbox.requests.filter((entry) => entry.status === 429 && path.test(entry.path))
		.length;
}

it(
	`a read phase over 200 threads (more than a minute's 180) at the lowest tier, Timeout ${TIMEOUT_S} s, 6 % 429s from another client: every thread read once, none failed`,
	async () => {
		// Seeded outside the budget: only the read phase counts.
		ctx.sandbox.haufe.configure({ rateLimits: null });
		const threadIds: string[] = [];
		for (let i = 0; i < 200; i++) threadIds.push(await seedThread(ctx.sandbox, ctx.hr, []));
		ctx.sandbox.haufe.configure({ rateLimits: LOWEST_TIER });
		const path = /\/threads\/[^/]+$/;
		// One read in 16 refused (about 6 %), also among the last ones, which waited in the queue.
		refuseEvery(path, 'GET', 16, 13);
		const started = Date.now();
		const result = await ctx.run(
			{
				resource: 'thread',
				operation: 'get',
				threadId: locator('={{ $json.threadId }}'),
				requestOptions: { timeout: TIMEOUT_S },
			},
			{ input: threadIds.map((threadId) => ({ threadId })) },
		);
		const seconds = (Date.now() - started) / 1000;
		expect(result.error).toBeUndefined();
		const threads = json(result);
		expect(threads.map((thread: IDataObject) => thread.id)).toEqual(threadIds);
		const refused = refusedOn(path);
		process.stdout.write(
			`read phase: 200 threads in ${seconds.toFixed(1)} s, ${refused} reads refused with 429, none failed\n`,
		);
		expect(refused).toBeGreaterThanOrEqual(10);
		// Longer than the Timeout: the last reads waited for the package's own budget.
		expect(seconds).toBeGreaterThan(TIMEOUT_S);
	},
	TEST_TIMEOUT_MS,
);

it(
	`an Ask batch of 70 questions (more than a minute's 60 answers) at the lowest tier, concurrency 10, Timeout ${TIMEOUT_S} s, 8 % 429s from another client: every question answered once, none failed`,
	async () => {
		const path = /\/run$/;
		// One answer request in 12 refused (about 8 %).
		refuseEvery(path, 'POST', 12, 7);
		const questions = Array.from(
			{ length: 70 },
			(_, index) => `Frage ${index + 1}: Wie viele Urlaubstage bei ${index + 20} Stunden?`,
		);
		const started = Date.now();
		const result = await ctx.run(
			askParameters(ctx.hr, { concurrency: 10 }, { timeout: TIMEOUT_S }),
			{ input: questions.map((question) => ({ question })) },
		);
		const seconds = (Date.now() - started) / 1000;
		expect(result.error).toBeUndefined();
		const answers = json(result);
		expect(answers.map((answer) => answer.question)).toEqual(questions);
		answers.forEach((answer, index) => expect(answer.answer).toContain(`Frage ${index + 1}:`));
		const { stats } = ctx.sandbox.haufe;
		expect(stats.runs).toHaveLength(70);
		expect([...stats.runsByThread.values()].every((count) => count === 1)).toBe(true);
		const refused = refusedOn(path);
		process.stdout.write(
			`Ask batch: 70 questions in ${seconds.toFixed(1)} s, ${refused} answer requests refused with 429, none failed\n`,
		);
		expect(refused).toBeGreaterThanOrEqual(5);
		expect(seconds).toBeGreaterThan(TIMEOUT_S);
	},
	TEST_TIMEOUT_MS,
);
