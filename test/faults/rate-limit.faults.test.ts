/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * What the limiter delays, it does not drop (issue 22, point 3): at the lowest Haufe tier, with a
 * short Timeout (10 s) and 429s from another client on the same account (a fault proxy turns
 * away a share of the requests with Retry-After: 1, as the server does when another client
 * filled the second), a read phase and an Ask batch that each need more than the minute's budget
 * (so the package's own queue holds requests for tens of seconds) answer every item exactly
 * once and fail none. The two runs go side by side, each with its own sandbox and account.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { resetSharedLimiters } from '../../nodes/shared/rate-limit';
import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import { API_KEY, LICENCE, askParameters, locator } from '../helpers/haufe';
import { runNode } from '../helpers/n8n-harness';
import { FaultProxy, seeded } from './proxy';

const LOWEST_TIER = {
	answer: { perSecond: 15, perMinute: 60 },
	general: { perSecond: 60, perMinute: 180 },
};
const REQUEST_OPTIONS = { timeout: 10 };
/** Threads read twice (get, then their messages): 188 reads, more than the minute's 180. */
const THREADS = 94;
/** Questions: more than the minute's 60 answers. */
const QUESTIONS = 70;

jest.setTimeout(240_000);

interface Setup {
	sandbox: Sandbox;
	proxy: FaultProxy;
	credentials: { haufeCopilotApi: ICredentialDataDecryptedObject };
}

async function setUp(name: string, apiKey: string): Promise<Setup> {
	const sandbox = await startSandbox({
		port: 0,
		haufe: { rateLimits: null, responseDelayMs: 300, streamChunkDelayMs: 1, apiKeys: [apiKey] },
	});
	const proxy = await FaultProxy.start(sandbox.url!, name);
	return {
		sandbox,
		proxy,
		credentials: {
			haufeCopilotApi: {
				apiKey,
				baseUrl: proxy.through(sandbox.haufe.baseUrl),
				licenceId: LICENCE,
			},
		},
	};
}

async function tearDown(setup?: Setup) {
	await setup?.proxy.close();
	await setup?.sandbox.close();
}

const refusedBy = (proxy: FaultProxy, path: RegExp) =>
	proxy.log.filter((entry) => entry.fault && path.test(entry.path)).length;

afterAll(() => resetSharedLimiters());

it(`a read phase (${THREADS} threads read twice) and an Ask batch (${QUESTIONS} questions) beyond the minute's budget, Timeout 10 s, 429s from another client: every item answered once, none failed`, async () => {
	let reads: Setup | undefined;
	let asks: Setup | undefined;
	try {
		reads = await setUp('reads', `${API_KEY}-reads`);
		asks = await setUp('asks', `${API_KEY}-asks`);
		const readSetup = reads;
		const askSetup = asks;

		// The threads to read exist before the budget applies.
		const threadIds: string[] = [];
		for (let i = 0; i < THREADS; i++) {
			const response = await fetch(`${readSetup.sandbox.haufe.baseUrl}/threads`, {
				method: 'POST',
				headers: { 'api-key': `${API_KEY}-reads`, 'content-type': 'application/json' },
				body: JSON.stringify({ assistant_id: readSetup.sandbox.haufe.assistantIds.hr }),
			});
			threadIds.push(String(((await response.json()) as IDataObject).id));
		}
		for (const setup of [readSetup, askSetup])
			setup.sandbox.haufe.configure({ rateLimits: LOWEST_TIER });
		const before = readSetup.sandbox.requests.length;
		readSetup.proxy.add({
			kind: 'retryAfterSeconds',
			method: 'GET',
			path: /\/threads\//,
			chance: 0.06,
			random: seeded(6),
		});
		askSetup.proxy.add({
			kind: 'retryAfterSeconds',
			method: 'POST',
			path: /\/run$/,
			chance: 0.08,
			random: seeded(8),
		});

		const readPhase = async () => {
			const input = threadIds.map((threadId) => ({ json: { threadId } }));
			const threads = await runNode({
				type: 'haufeCopilot',
				parameters: {
					resource: 'thread',
					operation: 'get',
					threadId: locator('={{ $json.threadId }}'),
					requestOptions: REQUEST_OPTIONS,
				},
				credentials: readSetup.credentials,
				input: input.map((item) => item.json),
			});
			const messages = await runNode({
				type: 'haufeCopilot',
				parameters: {
					resource: 'message',
					operation: 'getAll',
					threadId: locator('={{ $json.threadId }}'),
					returnAll: true,
					requestOptions: REQUEST_OPTIONS,
				},
				credentials: readSetup.credentials,
				input: input.map((item) => item.json),
			});
			return { threads, messages };
		};
		const askBatch = async () =>
			await runNode({
				type: 'haufeCopilot',
				parameters: askParameters(
					askSetup.sandbox.haufe.assistantIds.hr,
					{ concurrency: 10 },
					REQUEST_OPTIONS,
				),
				credentials: askSetup.credentials,
				input: Array.from({ length: QUESTIONS }, (_, index) => ({
					question: `Frage ${index + 1}`,
				})),
			});

		const started = Date.now();
		const [read, ask] = await Promise.all([readPhase(), askBatch()]);
		const seconds = (Date.now() - started) / 1000;

		expect(read.threads.error).toBeUndefined();
		expect(read.messages.error).toBeUndefined();
		expect(read.threads.items.map((item) => item.json.id)).toEqual(threadIds);
		expect(read.messages.items.length).toBeGreaterThanOrEqual(0);
		const readRefusals = refusedBy(readSetup.proxy, /\/threads\//);
		// Beyond the minute's budget: the package's own queue held the reads for the next minute.
		expect(readSetup.sandbox.requests.length - before).toBeGreaterThan(180);

		expect(ask.error).toBeUndefined();
		expect(ask.items).toHaveLength(QUESTIONS);
		expect(ask.items.every((item) => item.json.error === undefined)).toBe(true);
		const { stats } = askSetup.sandbox.haufe;
		expect(stats.runs).toHaveLength(QUESTIONS);
		expect([...stats.runsByThread.values()].every((count) => count === 1)).toBe(true);
		const askRefusals = refusedBy(askSetup.proxy, /\/run$/);
		// The other client really got in the way, in both runs.
		expect(readRefusals).toBeGreaterThan(0);
		expect(askRefusals).toBeGreaterThan(0);

		process.stdout.write(
			`\nTimeout 10 s under another client's 429s: ${THREADS * 2} reads (${readRefusals} refused) and ` +
				`${QUESTIONS} questions (${askRefusals} refused; the server's own budget refused ${stats.rateLimited} more), every item answered once, none failed, ${seconds.toFixed(1)} s\n`,
		);
	} finally {
		await tearDown(reads);
		await tearDown(asks);
	}
});
