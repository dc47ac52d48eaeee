/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * Recovery benchmark (issue 22, `npm run bench`): how fast the rate comes back once the 429s
 * stop. A fixed batch (30 questions, concurrency 10, 300 ms answers, answers 15/s) is timed on a
 * fresh budget, right after a burst of 429s (every answer request in flight refused once, with
 * Retry-After 1 s, as when another client used the second's budget), and again a few seconds
 * later. The per-minute windows are off (server and node) so that the per-second rate alone is
 * measured: 3 × 30 answers would otherwise meet the minute's 60. Min / median / max of
 * BENCH_RUNS runs (default 3). Asserts only that every question got exactly one answer.
 */
import type { IDataObject } from 'n8n-workflow';

import { resetSharedLimiters } from '../../nodes/shared/rate-limiter';
import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import { API_KEY, LICENCE, askParameters } from '../helpers/haufe';
import { runNode } from '../helpers/n8n-harness';

const LATENCY_MS = 300;
const QUESTIONS = 30;
const CONCURRENCY = 10;
const PER_SECOND = 15;
/** Answer requests refused in the burst: every one the batch before had in flight. */
const BURST = CONCURRENCY;
/** The pause between the burst and the "later" batch: the "within a few seconds". */
const LATER_MS = 5000;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

jest.setTimeout(10 * 60_000);

/** The per-minute caps off: 4 batches of 30 questions need more than a minute's threads and messages too. */
const requestOptions: IDataObject = {
	answerRequestsPerMinute: 0,
	answerRequestsPerSecond: PER_SECOND,
	otherRequestsPerMinute: 0,
};

async function batch(sandbox: Sandbox, label: string, size = QUESTIONS): Promise<number> {
	const before = sandbox.haufe.stats.runs.length;
	const started = Date.now();
	const result = await runNode({
		type: 'haufeCopilot',
		parameters: askParameters(
			sandbox.haufe.assistantIds.hr,
			{ concurrency: CONCURRENCY },
			requestOptions,
		),
		credentials: {
			haufeCopilotApi: { apiKey: API_KEY, baseUrl: sandbox.haufe.baseUrl, licenceId: LICENCE },
		},
		input: Array.from({ length: size }, (_, index) => ({ question: `${label} ${index + 1}` })),
	});
	const seconds = (Date.now() - started) / 1000;
	if (result.error) throw result.error;
	expect(result.items).toHaveLength(size);
	expect(sandbox.haufe.stats.runs.length - before).toBe(size);
	return seconds;
}

/** When the last 429 of an answer request came back, from the sandbox's log. */
function lastRefusalAt(sandbox: Sandbox): number {
	const refused = sandbox.requests.filter(
		(entry) => entry.status === 429 && /\/run$/.test(entry.path),
	);
	return Math.max(...refused.map((entry) => entry.at));
}

const spread = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	return [sorted[0], sorted[Math.floor((sorted.length - 1) / 2)], sorted[sorted.length - 1]]
		.map((value) => value.toFixed(2))
		.join(' / ');
};

it(`recovery: ${QUESTIONS} questions (concurrency ${CONCURRENCY}, ${LATENCY_MS} ms answers, ${PER_SECOND}/s) before and after a burst of 429s`, async () => {
	const fresh: number[] = [];
	const rightAfter: number[] = [];
	const later: number[] = [];
	for (let run = 0; run < RUNS; run++) {
		resetSharedLimiters();
		const sandbox = await startSandbox({
			port: 0,
			haufe: {
				rateLimits: { answer: { perSecond: PER_SECOND, perMinute: 0 }, general: null },
				responseDelayMs: LATENCY_MS,
			},
		});
		try {
			fresh.push(await batch(sandbox, 'fresh'));
			// The burst: the next answer requests are refused, as when another client used the budget.
			sandbox.faults.add({
				method: 'POST',
				path: /\/run$/,
				kind: 'status',
				status: 429,
				retryAfter: 1,
				times: BURST,
			});
			await batch(sandbox, 'burst', CONCURRENCY);
			sandbox.faults.clear();
			rightAfter.push(await batch(sandbox, 'right after'));
			const wait = lastRefusalAt(sandbox) + LATER_MS - Date.now();
			if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			later.push(await batch(sandbox, 'later'));
		} finally {
			await sandbox.close();
		}
	}
	const median = (values: number[]) =>
		[...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
	console.log(
		[
			'',
			`Recovery benchmark (${QUESTIONS} questions, concurrency ${CONCURRENCY}, ${LATENCY_MS} ms answers, ${PER_SECOND} answers/s, ${RUNS} runs; min / median / max)`,
			`fresh budget: ${spread(fresh)} s`,
			`right after a burst of ${BURST} 429s: ${spread(rightAfter)} s (${(median(rightAfter) / median(fresh)).toFixed(2)}× fresh)`,
			`${LATER_MS / 1000} s after the last 429: ${spread(later)} s (${(median(later) / median(fresh)).toFixed(2)}× fresh)`,
		].join('\n'),
	);
});
