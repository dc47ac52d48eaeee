/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * What "Wait for Completion" costs (`npm run bench`): HTTP requests and wall time to follow a
 * Griptape Cloud run of N events, by polling events and by the SSE stream.
 */
import { startSandbox } from '../../sandbox';
import { GRIPTAPE_KEY } from '../helpers/griptape';
import { locator } from '../helpers/haufe';
import { runNode } from '../helpers/n8n-harness';

jest.setTimeout(600_000);

const rows: string[] = [];
afterAll(() => console.log(['', 'Griptape wait-for-completion benchmark', ...rows].join('\n')));

const cases = [
	{ words: 5, mode: 'events', pollInterval: 0.2 },
	{ words: 5, mode: 'stream', pollInterval: 0.2 },
	{ words: 200, mode: 'events', pollInterval: 0.2 },
	{ words: 200, mode: 'events', pollInterval: 1 },
	{ words: 200, mode: 'stream', pollInterval: 0.2 },
];

for (const { words, mode, pollInterval } of cases) {
	it(`${words}-word input, ${mode}, poll every ${pollInterval} s`, async () => {
		// 20 ms per token: a run of a few hundred events takes seconds, like a real answer.
		const sandbox = await startSandbox({ port: 0, griptape: { runStepMs: 100, tokenDelayMs: 20 } });
		try {
			const input = Array.from({ length: words }, (_, index) => `w${index}`).join(' ');
			const started = Date.now();
			const result = await runNode({
				type: 'griptapeCloud',
				parameters: {
					resource: 'assistantRun',
					operation: 'create',
					assistantId: locator(sandbox.griptape.ids.assistants[0]),
					input,
					waitForCompletion: mode,
					// The wait figures are left out of the simplified run.
					simplify: false,
					options: { pollInterval },
				},
				credentials: {
					griptapeCloudApi: { apiKey: GRIPTAPE_KEY, baseUrl: sandbox.griptape.baseUrl },
				},
			});
			if (result.error) throw result.error;
			const run = result.items[0].json;
			const wait = run.wait as { requests: number };
			rows.push(
				`${String(run.event_count).padStart(4)} events, ${mode.padEnd(6)} poll ${pollInterval} s: ` +
					`${wait.requests} requests for the wait (+1 to create), ${((Date.now() - started) / 1000).toFixed(2)} s`,
			);
			expect(run.status).toBe('SUCCEEDED');
		} finally {
			await sandbox.close();
		}
	});
}
