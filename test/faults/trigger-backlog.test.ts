/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The Griptape Cloud Trigger works through a large backlog while about one page request in four
 * fails (issue 22): resets, 500, 429, a gateway's HTML 502, bodies cut mid-way (a cut
 * close-delimited body among them, which looks complete to the HTTP layer). A poll keeps the
 * pages it read before one failed, so every event (every finished run) is emitted, in order,
 * exactly once, in a bounded number of polls, across restarts.
 *
 * The pauses between retries are shortened in this file (its own module registry): what is
 * tested is the progress, not the backoff, which would otherwise make up nearly all of the time.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { DEFAULT_RETRY } from '../../nodes/shared/http';
import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import { runPoll } from '../helpers/n8n-harness';
import { griptapeCredentials, locator, sleep } from './fixtures';
import type { ProxyFaultKind } from './proxy';
import { FaultProxy, seeded } from './proxy';

const TERMINAL = ['SUCCEEDED', 'FAILED', 'ERROR', 'CANCELLED'];
const BACKLOG_FAULTS: ProxyFaultKind[] = [
	'resetBeforeBody',
	'resetAfterBody',
	'status500',
	'refused429',
	'gateway502',
	'cutMidBody',
	'cutCloseDelimited',
];
/** One page request in four fails; with one retry, about one page in sixteen fails for good. */
const FAULT_CHANCE = 0.25;
const REQUEST_OPTIONS = { timeout: 2, maxRetries: 1 };
const EVENTS = 20_000;
const RUNS = 5_000;

const savedRetry = { ...DEFAULT_RETRY };
let sandbox: Sandbox;
beforeAll(async () => {
	Object.assign(DEFAULT_RETRY, { baseDelayMs: 5, maxDelayMs: 20 });
	sandbox = await startSandbox({ port: 0, griptape: { runStepMs: 1, tokenDelayMs: 0 } });
});
afterAll(async () => {
	Object.assign(DEFAULT_RETRY, savedRetry);
	await sandbox?.close();
});

async function finishedRun(input: string): Promise<IDataObject> {
	const run = sandbox.griptape.createRun(sandbox.griptape.ids.assistants[0], {
		input,
	}) as unknown as IDataObject;
	const runId = String(run.assistant_run_id);
	for (
		let i = 0;
		i < 500 && !TERMINAL.includes(String(sandbox.griptape.state.runs.get(runId)?.status));
		i++
	)
		await sleep(10);
	return sandbox.griptape.state.runs.get(runId) as unknown as IDataObject;
}

interface Backlog {
	emitted: string[];
	polls: number;
	failedPolls: number;
	requests: number;
	faults: number;
	seconds: number;
}

/** Matches no request: a poll without faults. */
const NONE = /^$/;

/**
 * Polls until `done`, at most `maxPolls` times, each poll through a fresh proxy that breaks a
 * quarter of the requests matching `path`; every other poll in a "restarted" n8n (only the JSON
 * it persisted survives), and a failed poll keeps the static data as it was (n8n does).
 */
async function pollBacklog(
	parameters: IDataObject,
	path: RegExp,
	key: string,
	done: (emitted: string[]) => boolean,
	maxPolls: number,
	state: { staticData?: IDataObject },
): Promise<Backlog> {
	const random = seeded(22);
	const backlog: Backlog = {
		emitted: [],
		polls: 0,
		failedPolls: 0,
		requests: 0,
		faults: 0,
		seconds: 0,
	};
	const started = Date.now();
	while (!done(backlog.emitted) && backlog.polls < maxPolls) {
		const proxy = await FaultProxy.start(sandbox.url!, `backlog-${backlog.polls}`);
		proxy.add({
			kind: 'status500',
			method: 'GET',
			path,
			chance: FAULT_CHANCE,
			among: BACKLOG_FAULTS,
			random,
		});
		const persisted =
			backlog.polls++ % 2
				? (JSON.parse(JSON.stringify(state.staticData ?? {})) as IDataObject)
				: state.staticData;
		try {
			const result = await runPoll({
				type: 'griptapeCloudTrigger',
				parameters: { ...parameters, requestOptions: REQUEST_OPTIONS },
				credentials: {
					griptapeCloudApi: griptapeCredentials(sandbox, proxy) as ICredentialDataDecryptedObject,
				},
				staticData: persisted,
			});
			if (result.error) backlog.failedPolls++;
			else state.staticData = result.staticData;
			backlog.emitted.push(...result.items.map((item) => String(item.json[key])));
			backlog.requests += proxy.log.length;
			backlog.faults += proxy.fired;
		} finally {
			await proxy.close();
		}
	}
	backlog.seconds = (Date.now() - started) / 1000;
	return backlog;
}

function report(label: string, backlog: Backlog, size: number): void {
	process.stdout.write(
		`\nTrigger backlog, ${label}: ${size} delivered in ${backlog.polls} polls (${backlog.failedPolls} failed), ` +
			`${backlog.requests} requests, ${backlog.faults} faults, ${backlog.seconds.toFixed(1)} s\n`,
	);
}

it(`New Event: a backlog of ${EVENTS} events with one page request in four failing is emitted completely, in order, exactly once`, async () => {
	const run = await finishedRun('Ein Rückstau');
	const runId = String(run.assistant_run_id);
	const structureRunId = String(run.structure_run_id);
	for (let i = 0; i < EVENTS; i++) {
		sandbox.griptape.state.events.push({
			event_id: `backlog-${String(i).padStart(5, '0')}`,
			type: 'TextChunkEvent',
			origin: 'ASSISTANT',
			payload: { type: 'TextChunkEvent', token: `t${i} ` },
			timestamp: Date.now() / 1000,
			created_at: new Date().toISOString(),
			assistant_run_id: runId,
			structure_run_id: structureRunId,
		} as never);
	}
	const all = sandbox.griptape.state.events
		.filter((event) => event.assistant_run_id === runId)
		.map((event) => String(event.event_id));
	const parameters = { event: 'runEvent', assistantRunId: locator(runId) };
	const state: { staticData?: IDataObject } = {};
	const backlog = await pollBacklog(
		parameters,
		/\/assistant-runs\/[^/]+\/events$/,
		'event_id',
		(emitted) => emitted.length >= all.length,
		60,
		state,
	);
	report('New Event', backlog, all.length);
	// Once more without faults: nothing is left, nothing comes twice.
	const after = await pollBacklog(parameters, NONE, 'event_id', () => false, 1, state);
	expect(backlog.faults).toBeGreaterThan(all.length / 100 / 8);
	expect(backlog.emitted).toEqual(all);
	expect(backlog.polls).toBeLessThanOrEqual(60);
	expect([after.failedPolls, after.emitted]).toEqual([0, []]);
}, 120_000);

it(`Run Finished: a backlog of ${RUNS} finished runs with one page request in four failing is emitted completely, exactly once`, async () => {
	const template = await finishedRun('Vorlage');
	const assistantId = sandbox.griptape.ids.assistants[0];
	const parameters = { event: 'runFinished', assistantId: locator(assistantId) };
	const state: { staticData?: IDataObject } = {};
	// Activation: the runs so far are history.
	const activation = await pollBacklog(parameters, NONE, 'assistant_run_id', () => false, 1, state);
	expect([activation.failedPolls, activation.emitted]).toEqual([0, []]);
	const base = Date.now() + 1000;
	const ids: string[] = [];
	for (let i = 0; i < RUNS; i++) {
		const runId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
		const createdAt = new Date(base + i).toISOString();
		const run = {
			...template,
			assistant_run_id: runId,
			status: TERMINAL[i % TERMINAL.length],
			created_at: createdAt,
			updated_at: createdAt,
			completed_at: new Date(base + i + 5).toISOString(),
		};
		// The sandbox lists runs by their hidden sequence number, newest first.
		Object.defineProperty(run, '_seq', { value: 1_000_000 + i, enumerable: false });
		sandbox.griptape.state.runs.set(runId, run as never);
		ids.push(runId);
	}
	const backlog = await pollBacklog(
		parameters,
		/\/(assistants\/[^/]+\/runs|assistant-runs\/[^/]+)$/,
		'assistant_run_id',
		(emitted) => emitted.length >= RUNS,
		30,
		state,
	);
	report('Run Finished', backlog, RUNS);
	// Once more without faults: nothing is left, nothing comes twice.
	const after = await pollBacklog(parameters, NONE, 'assistant_run_id', () => false, 1, state);
	expect(backlog.faults).toBeGreaterThan(RUNS / 100 / 8);
	expect(new Set(backlog.emitted).size).toBe(backlog.emitted.length);
	expect([...backlog.emitted].sort()).toEqual([...ids].sort());
	expect(backlog.polls).toBeLessThanOrEqual(30);
	expect([after.failedPolls, after.emitted]).toEqual([0, []]);
}, 120_000);
