/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * Rate-budget benchmark (issue 14, `npm run bench`): Ask batches through n8n-core's
 * WorkflowExecute against the sandbox at the lowest Haufe tier (answers 15/s and 60/min, others
 * 60/s and 180/min) with 300 ms answer latency. One batch at a time, and two or four executions
 * at once in one process (they share the account's budget). Each figure is min / median / max of
 * BENCH_RUNS runs (default 3), next to the bound the answer budget sets; every run's 429s are
 * counted and printed. Asserts only that every question got exactly one answer and none failed.
 */
import { resetSharedLimiters } from '../../nodes/shared/rate-limit';
import { startSandbox } from '../../sandbox';
import { API_KEY, LICENCE, askParameters } from '../helpers/haufe';
import { runNode } from '../helpers/n8n-harness';

const LOWEST_TIER = {
	answer: { perSecond: 15, perMinute: 60 },
	general: { perSecond: 60, perMinute: 180 },
};
const LATENCY_MS = 300;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

/** The earliest the i-th answer (0-based) may start under 15/s and 60/min, in seconds. */
function earliestStart(index: number): number {
	return Math.floor(index / 60) * 60 + Math.floor((index % 60) / 15);
}

/** Seconds the answer budget needs for `total` answers: the last one's start plus its latency. */
function boundSeconds(total: number): number {
	return earliestStart(total - 1) + LATENCY_MS / 1000;
}

interface Scenario {
	executions: number;
	questions: number;
	concurrency: number;
	/**
	 * Each execution with its own API key: its own limiter, as each queue-mode worker process has
	 * its own, while the sandbox counts them all against one budget.
	 */
	ownLimiters?: boolean;
}

const scenarios: Scenario[] = [
	{ executions: 1, questions: 50, concurrency: 10 },
	{ executions: 1, questions: 120, concurrency: 10 },
	{ executions: 2, questions: 25, concurrency: 5 },
	{ executions: 4, questions: 15, concurrency: 5 },
	{ executions: 2, questions: 60, concurrency: 5 },
	{ executions: 4, questions: 30, concurrency: 5 },
	{ executions: 2, questions: 25, concurrency: 5, ownLimiters: true },
	{ executions: 2, questions: 60, concurrency: 5, ownLimiters: true },
];
const keyOf = (scenario: Scenario, batch: number) =>
	scenario.ownLimiters ? `${API_KEY}-${batch}` : API_KEY;

jest.setTimeout(30 * 60_000);

const rows: string[] = [];
afterAll(() =>
	console.log(
		[
			'',
			`Rate-budget benchmark (lowest tier, ${LATENCY_MS} ms answers, ${RUNS} runs each)`,
			...rows,
		].join('\n'),
	),
);

const spread = (values: number[], digits = 2) => {
	const sorted = [...values].sort((a, b) => a - b);
	return [sorted[0], sorted[Math.floor((sorted.length - 1) / 2)], sorted[sorted.length - 1]]
		.map((value) => value.toFixed(digits))
		.join(' / ');
};

for (const scenario of scenarios) {
	const total = scenario.executions * scenario.questions;
	const name =
		`${scenario.executions} × ${scenario.questions} questions at concurrency ${scenario.concurrency}` +
		(scenario.ownLimiters ? ', one limiter each (as separate workers)' : '');
	it(name, async () => {
		const walls: number[] = [];
		const limited: number[] = [];
		const answerRequests: number[] = [];
		for (let run = 0; run < RUNS; run++) {
			resetSharedLimiters();
			const apiKeys = Array.from({ length: scenario.executions }, (_, batch) =>
				keyOf(scenario, batch),
			);
			const sandbox = await startSandbox({
				port: 0,
				haufe: { rateLimits: LOWEST_TIER, responseDelayMs: LATENCY_MS, apiKeys },
			});
			try {
				const started = Date.now();
				const results = await Promise.all(
					Array.from(
						{ length: scenario.executions },
						async (_, batch) =>
							await runNode({
								type: 'haufeCopilot',
								parameters: askParameters(sandbox.haufe.assistantIds.hr, {
									concurrency: scenario.concurrency,
								}),
								credentials: {
									haufeCopilotApi: {
										apiKey: keyOf(scenario, batch),
										baseUrl: sandbox.haufe.baseUrl,
										licenceId: LICENCE,
									},
								},
								input: Array.from({ length: scenario.questions }, (_, index) => ({
									question: `B${batch} Frage ${index + 1}`,
								})),
							}),
					),
				);
				walls.push((Date.now() - started) / 1000);
				for (const result of results) {
					if (result.error) throw result.error;
					expect(result.items).toHaveLength(scenario.questions);
				}
				const { stats } = sandbox.haufe;
				expect(stats.runs).toHaveLength(total);
				expect([...stats.runsByThread.values()].every((count) => count === 1)).toBe(true);
				limited.push(stats.rateLimited);
				answerRequests.push(stats.answerRequests);
			} finally {
				await sandbox.close();
			}
		}
		const bound = boundSeconds(total);
		rows.push(
			`${name}: ${spread(walls)} s (bound ${bound.toFixed(2)} s; ${spread(walls.map((wall) => wall / bound))}×), ` +
				`429s per run ${limited.join(', ')} of ${answerRequests.join(', ')} answer requests, all ${total} answered exactly once`,
		);
	});
}
