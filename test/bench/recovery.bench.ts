/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * Recovery benchmark (issue 22, point 4; `npm run bench`): how fast the rate returns to the
 * configured budget once the 429s stop. Through n8n-core's WorkflowExecute against the sandbox
 * (15 answers/s, 300 ms answers; the minute window made roomy so that only the per-second
 * budget is at play): a batch of 30 questions on a fresh limiter; then another client floods the
 * same account for a few seconds while a batch runs (the limiter sees 429s and lowers its rate);
 * then, right after, the same batch of 30 on a server that no longer refuses anything. Printed:
 * the times, the ratio after/before, the 429s of each phase, and the rate the limiter is back to.
 * Asserts only that every question got exactly one answer and none failed.
 */
import { resetSharedLimiters } from '../../nodes/shared/rate-limit';
import { startSandbox } from '../../sandbox';
import { API_KEY, LICENCE, askParameters } from '../helpers/haufe';
import { runNode } from '../helpers/n8n-harness';

const BUDGET = {
	answer: { perSecond: 15, perMinute: 600 },
	general: { perSecond: 60, perMinute: 1800 },
};
const REQUEST_OPTIONS = { answerRequestsPerMinute: 600, otherRequestsPerMinute: 1800 };
const LATENCY_MS = 300;
const QUESTIONS = 30;
const FLOOD_MS = 3000;
const FLOOD_PER_SECOND = 12;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

jest.setTimeout(10 * 60_000);

const rows: string[] = [];
afterAll(() =>
	console.log(
		[
			'',
			`Recovery benchmark (${QUESTIONS} questions, ${LATENCY_MS} ms answers, ${RUNS} runs)`,
			...rows,
		].join('\n'),
	),
);

it('time for a batch right after a 429 burst, against the same batch before it', async () => {
	const sandbox = await startSandbox({
		port: 0,
		haufe: { rateLimits: BUDGET, responseDelayMs: LATENCY_MS, streamChunkDelayMs: 1 },
	});
	const hr = sandbox.haufe.assistantIds.hr;
	const credentials = {
		haufeCopilotApi: { apiKey: API_KEY, baseUrl: sandbox.haufe.baseUrl, licenceId: LICENCE },
	};
	const batch = async (label: string) => {
		const started = Date.now();
		const result = await runNode({
			type: 'haufeCopilot',
			parameters: askParameters(hr, { concurrency: 10 }, REQUEST_OPTIONS),
			credentials,
			input: Array.from({ length: QUESTIONS }, (_, index) => ({
				question: `${label} ${index + 1}`,
			})),
		});
		if (result.error) throw result.error;
		expect(result.items).toHaveLength(QUESTIONS);
		return (Date.now() - started) / 1000;
	};
	/** Another client on the same account: chat completions at a steady pace, for a while. */
	const flood = async () => {
		const end = Date.now() + FLOOD_MS;
		const sent: Array<Promise<unknown>> = [];
		while (Date.now() < end) {
			sent.push(
				fetch(`${sandbox.haufe.baseUrl}/chat/completions`, {
					method: 'POST',
					headers: { 'api-key': API_KEY, 'content-type': 'application/json' },
					body: JSON.stringify({
						assistant_id: hr,
						messages: [{ role: 'user', content: 'the other client' }],
						meta_data: { user_data: { licence: LICENCE } },
					}),
				}).then((response) => response.text()),
			);
			await new Promise((resolve) => setTimeout(resolve, 1000 / FLOOD_PER_SECOND));
		}
		await Promise.all(sent);
	};
	const before: number[] = [];
	const after: number[] = [];
	const refusedAfter: number[] = [];
	const refusedBurst: number[] = [];
	try {
		for (let run = 0; run < RUNS; run++) {
			resetSharedLimiters();
			sandbox.reset();
			before.push(await batch('before'));
			sandbox.reset();
			await Promise.all([flood(), batch('during')]);
			refusedBurst.push(sandbox.haufe.stats.rateLimited);
			sandbox.reset();
			after.push(await batch('after'));
			refusedAfter.push(sandbox.haufe.stats.rateLimited);
			expect(sandbox.haufe.stats.runs).toHaveLength(QUESTIONS);
		}
	} finally {
		await sandbox.close();
	}
	const median = (values: number[]) =>
		[...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
	rows.push(
		`before any 429: ${before.map((s) => s.toFixed(2)).join(', ')} s; ` +
			`during a ${FLOOD_MS / 1000} s flood by another client (${FLOOD_PER_SECOND}/s): ${refusedBurst.join(', ')} 429s; ` +
			`right after it: ${after.map((s) => s.toFixed(2)).join(', ')} s (median ${(median(after) / median(before)).toFixed(2)}× before), ` +
			`${refusedAfter.join(', ')} 429s`,
	);
});
