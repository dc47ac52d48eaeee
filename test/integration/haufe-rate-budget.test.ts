/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * One rate budget per API account in the process (issue 14): executions that run at the same
 * time with the same credential and base URL draw on one limiter, so together they stay inside
 * the server's budget (the lowest tier: answers 15/s and 60/min; others 60/s and 180/min).
 * Every question is answered exactly once, none fails, and 429s stay rare. Wall time is printed
 * for the record; the benchmark is where it is judged.
 */
import type { IDataObject } from 'n8n-workflow';

import { askParameters, json, useHaufeSandbox } from '../helpers/haufe';

const ctx = useHaufeSandbox({
	rateLimits: {
		answer: { perSecond: 15, perMinute: 60 },
		general: { perSecond: 60, perMinute: 180 },
	},
});

async function concurrentBatches(executions: number, perExecution: number) {
	const batches = Array.from({ length: executions }, (_, batch) =>
		Array.from(
			{ length: perExecution },
			(_, index) => `Batch ${batch + 1} Frage ${index + 1}: Urlaub bei ${index + 20} Stunden?`,
		),
	);
	const started = Date.now();
	const results = await Promise.all(
		batches.map(
			async (questions) =>
				await ctx.run(askParameters(ctx.hr, { concurrency: 5 }), {
					input: questions.map((question) => ({ question })),
				}),
		),
	);
	const wallMs = Date.now() - started;
	const { stats } = ctx.sandbox.haufe;
	return { batches, results, wallMs, stats };
}

function expectEveryQuestionAnsweredOnce(outcome: Awaited<ReturnType<typeof concurrentBatches>>) {
	const { batches, results, stats } = outcome;
	results.forEach((result, batch) => {
		expect(result.error).toBeUndefined();
		const answers = json(result);
		expect(answers.map((answer: IDataObject) => answer.question)).toEqual(batches[batch]);
		answers.forEach((answer, index) =>
			expect(answer.answer).toContain(`Batch ${batch + 1} Frage ${index + 1}:`),
		);
	});
	const total = batches.flat().length;
	expect(stats.runs).toHaveLength(total);
	expect([...stats.runsByThread.values()].every((count) => count === 1)).toBe(true);
	// Fewer than 10% of the answer requests were turned away.
	expect(stats.rateLimited).toBeLessThan(stats.answerRequests * 0.1);
}

it.each([
	[2, 25],
	[4, 15],
])(
	'%i executions at once (%i questions each, concurrency 5) share one budget: all answered once, 429s < 10%%',
	async (executions, perExecution) => {
		const outcome = await concurrentBatches(executions, perExecution);
		expectEveryQuestionAnsweredOnce(outcome);
		// Bound: the answer budget (15/s) for all questions together.
		const total = executions * perExecution;
		const boundMs = (Math.ceil(total / 15) - 1) * 1000;
		process.stdout.write(
			`${executions} executions × ${perExecution}: ${outcome.wallMs} ms (answer-budget bound ≈ ${boundMs} ms + one answer), ` +
				`${outcome.stats.answerRequests} answer requests, ${outcome.stats.rateLimited} answered 429\n`,
		);
	},
);

it('executions with different API keys keep separate budgets', async () => {
	ctx.sandbox.haufe.configure({ apiKeys: ['sandbox-haufe-key', 'second-key'], rateLimits: null });
	const ask = async (apiKey: string) =>
		await ctx.run(
			askParameters(
				ctx.hr,
				{ concurrency: 5 },
				{ answerRequestsPerSecond: 5, answerRequestsPerMinute: 0 },
			),
			{
				input: Array.from({ length: 5 }, (_, index) => ({ question: `Frage ${index}` })),
				credentials: { apiKey },
			},
		);
	const started = Date.now();
	const [first, second] = await Promise.all([ask('sandbox-haufe-key'), ask('second-key')]);
	// Five answers per key fit one second of each key's own 5/s budget; a shared budget would need two.
	expect(Date.now() - started).toBeLessThan(1500);
	expect(json(first)).toHaveLength(5);
	expect(json(second)).toHaveLength(5);
});

it('two processes with their own limiters on one server budget (as queue-mode workers): none fails for 429, all answered once', async () => {
	// Two API keys give two limiters here, as two worker processes would have; the sandbox counts
	// both against one budget, as the API counts an account's workers.
	ctx.sandbox.haufe.configure({ apiKeys: ['sandbox-haufe-key', 'second-key'] });
	const batches = ['sandbox-haufe-key', 'second-key'].map((apiKey, batch) => ({
		apiKey,
		questions: Array.from({ length: 25 }, (_, index) => `Worker ${batch + 1} Frage ${index + 1}`),
	}));
	const started = Date.now();
	const results = await Promise.all(
		batches.map(
			async ({ apiKey, questions }) =>
				await ctx.run(askParameters(ctx.hr, { concurrency: 5 }), {
					input: questions.map((question) => ({ question })),
					credentials: { apiKey },
				}),
		),
	);
	const { stats } = ctx.sandbox.haufe;
	results.forEach((result, batch) =>
		expect(json(result).map((answer) => answer.question)).toEqual(batches[batch].questions),
	);
	expect(stats.runs).toHaveLength(50);
	expect([...stats.runsByThread.values()].every((count) => count === 1)).toBe(true);
	process.stdout.write(
		`2 limiters × 25 on one budget: ${Date.now() - started} ms, ${stats.answerRequests} answer requests, ${stats.rateLimited} answered 429\n`,
	);
});
