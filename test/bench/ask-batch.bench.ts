/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * Benchmark of the Ask operation (`npm run bench`): wall time of question batches through
 * n8n-core's WorkflowExecute against the sandbox, next to the bound the rate limit sets.
 * Prints its figures; it asserts only that every question got exactly one answer.
 */
import type { HaufeOptions } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import { API_KEY, LICENCE, locator } from '../helpers/haufe';
import { runNode } from '../helpers/n8n-harness';

interface Scenario {
	name: string;
	questions: number;
	concurrency: number;
	sandbox: HaufeOptions;
	/** The least time the answer budget allows, in seconds. */
	boundSeconds: number;
	requestOptions?: Record<string, number>;
}

const LOWEST_TIER = {
	answer: { perSecond: 15, perMinute: 60 },
	general: { perSecond: 60, perMinute: 180 },
};

const scenarios: Scenario[] = [
	{
		name: 'lowest tier (15/s, 60/min), 50 questions, concurrency 5',
		questions: 50,
		concurrency: 5,
		sandbox: { rateLimits: LOWEST_TIER },
		// 15 answers per rolling second: answers 46-50 cannot start before 3 s.
		boundSeconds: Math.ceil(50 / 15) - 1,
	},
	{
		name: '200 ms answer latency, 40 questions, concurrency 1',
		questions: 40,
		concurrency: 1,
		sandbox: { rateLimits: null, responseDelayMs: 200 },
		boundSeconds: (40 * 200) / 1000,
		requestOptions: { answerRequestsPerSecond: 0, answerRequestsPerMinute: 0 },
	},
	{
		name: '200 ms answer latency, 40 questions, concurrency 10',
		questions: 40,
		concurrency: 10,
		sandbox: { rateLimits: null, responseDelayMs: 200 },
		// Four rounds of 200 ms answers; but the 80 other requests (thread, message) exceed the
		// client's 60/s general budget, so the last ones wait for the next second.
		boundSeconds: Math.max((Math.ceil(40 / 10) * 200) / 1000, 1),
		requestOptions: { answerRequestsPerSecond: 0, answerRequestsPerMinute: 0 },
	},
];

jest.setTimeout(600_000);

const rows: string[] = [];

afterAll(() => {
	console.log(['', 'Ask batch benchmark', ...rows].join('\n'));
});

for (const scenario of scenarios) {
	it(scenario.name, async () => {
		const sandbox = await startSandbox({ port: 0, haufe: scenario.sandbox });
		try {
			const heapBefore = process.memoryUsage().heapUsed;
			const started = Date.now();
			const result = await runNode({
				type: 'haufeCopilot',
				parameters: {
					resource: 'question',
					operation: 'ask',
					assistantId: locator(sandbox.haufe.assistantIds.hr),
					question: '={{ $json.question }}',
					options: { concurrency: scenario.concurrency },
					requestOptions: scenario.requestOptions ?? {},
				},
				credentials: {
					haufeCopilotApi: { apiKey: API_KEY, baseUrl: sandbox.haufe.baseUrl, licenceId: LICENCE },
				},
				input: Array.from({ length: scenario.questions }, (_, index) => ({
					question: `Frage ${index + 1}`,
				})),
			});
			const seconds = (Date.now() - started) / 1000;
			const heapDelta = (process.memoryUsage().heapUsed - heapBefore) / 1048576;
			if (result.error) throw result.error;
			expect(result.items).toHaveLength(scenario.questions);
			expect(sandbox.haufe.stats.runs).toHaveLength(scenario.questions);
			rows.push(
				`${scenario.name}: ${seconds.toFixed(2)} s wall time (bound ${scenario.boundSeconds.toFixed(2)} s), ` +
					`${sandbox.requests.length} requests, ${sandbox.haufe.stats.rateLimited} answered 429, ` +
					`heap +${heapDelta.toFixed(1)} MiB`,
			);
		} finally {
			await sandbox.close();
		}
	});
}
