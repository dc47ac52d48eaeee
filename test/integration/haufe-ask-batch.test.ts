/**
 * The scheduled-batch case: many questions through one Ask node, in parallel, under the
 * documented answer budget of the lowest tier (15/s, 60/min). Every question is answered
 * exactly once, in input order. How long it takes is the benchmark's business
 * (`npm run bench`), not this test's.
 */
import { askParameters, json, useHaufeSandbox } from '../helpers/haufe';

const ctx = useHaufeSandbox({
	rateLimits: {
		answer: { perSecond: 15, perMinute: 60 },
		general: { perSecond: 60, perMinute: 180 },
	},
});

it('answers 50 questions at concurrency 5 under a 15/s answer limit: each run once, in input order', async () => {
	const questions = Array.from(
		{ length: 50 },
		(_, index) => `Frage ${index + 1}: Wie viele Urlaubstage bei ${index + 20} Stunden?`,
	);
	const result = await ctx.run(askParameters(ctx.hr, { concurrency: 5 }), {
		input: questions.map((question) => ({ question })),
	});
	const answers = json(result);
	expect(answers.map((answer) => answer.question)).toEqual(questions);
	answers.forEach((answer, index) => expect(answer.answer).toContain(`Frage ${index + 1}:`));
	expect(result.items.map((item) => item.pairedItem)).toEqual(
		questions.map((_, item) => ({ item })),
	);

	const { stats } = ctx.sandbox.haufe;
	expect(stats.runs).toHaveLength(50);
	expect([...stats.runsByThread.values()].every((count) => count === 1)).toBe(true);
	expect(new Set(answers.map((answer) => answer.thread_id)).size).toBe(50);
	// Every answer request the server accepted produced one of the 50 runs; any 429 was retried.
	const accepted = ctx.sandbox.requests.filter(
		(entry) => entry.path.endsWith('/run') && entry.status === 200,
	);
	expect(accepted).toHaveLength(50);
});
