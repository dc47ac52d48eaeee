/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The package in n8n's queue mode (`npm run test:queue`): Postgres and Redis from Debian's
 * packages (installed when missing) started as this test's own processes, one n8n main process
 * and two workers (scripts/lib/queue.js), against the sandbox at the lowest Haufe tier (15
 * answers/s, 60/min, 300 ms per answer). Executions started by webhooks and the trigger run on
 * the workers; which worker ran which execution is read from the workers' logs ("Worker started
 * execution N"). Logs are kept in test-results/queue/.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import { readStreamedResponse } from '../helpers/n8n-runs';

const { loadExample } = require('../../scripts/lib/n8n');
const { ensureInstalled, N8N_DIR, ROOT } = require('../../scripts/lib/n8n-install');
const { startQueueSetup } = require('../../scripts/lib/queue');

const ARTIFACTS = path.join(ROOT, 'test-results', 'queue');
const LOWEST_TIER = {
	answer: { perSecond: 15, perMinute: 60 },
	general: { perSecond: 60, perMinute: 180 },
};
/** Questions per batch in the concurrent-batch tests: two batches are 120 answers, four 240 (the issue's runs). */
const BATCH = Number(process.env.QUEUE_TEST_BATCH ?? 60);
/** 429s allowed, as a share of answer requests. */
const MAX_429_SHARE = 0.1;

type Item = { json: Record<string, unknown>; pairedItem?: unknown };
type RunData = Record<string, Array<{ data: { main: Array<Array<Item> | null> } }>>;
/** What n8n stores of an execution (the parts read here). */
interface StoredExecution {
	resultData?: { runData?: RunData; error?: { message?: string }; lastNodeExecuted?: string };
	executionData?: {
		nodeExecutionStack?: Array<{
			node?: { name?: string };
			data?: { main?: Array<Item[] | null> };
		}>;
	};
}
/** scripts/lib/n8n.js's startN8n handle, and scripts/lib/queue.js's. */
interface N8nProcess {
	baseUrl: string;
	kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	stop(): Promise<void>;
}
interface QueueWorker extends N8nProcess {
	name: string;
	executionIds(): string[];
}
interface N8nRestApi {
	getJson(pathname: string): Promise<unknown>;
	request(method: string, route: string, body?: unknown): Promise<unknown>;
	upsertCredential(credential: { name: string; type: string; data: object }): Promise<string>;
	importAndPublish(workflow: object): Promise<{ id: string; name: string }>;
	executions(workflowId: string): Promise<unknown>;
	execution(id: string): Promise<unknown>;
}
interface QueueSetup {
	main: N8nProcess;
	workers: QueueWorker[];
	api: N8nRestApi;
	timings: { servicesMs: number; mainMs: number; workersMs: number };
	addWorker(): Promise<QueueWorker>;
	stop(): Promise<void>;
}
interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
	retryOf?: string | null;
	retrySuccessId?: string | null;
	workflowId: string;
}

const phases: string[] = [];
const results: string[] = [];
const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
	const started = Date.now();
	try {
		return await work();
	} finally {
		phases.push(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
	}
};

let sandbox: Sandbox;
let setup: QueueSetup;
let api: N8nRestApi;
let haufeCredential: string;
let griptapeCredential: string;
const workflows: Record<string, { id: string; name: string }> = {};
const runStarted = Date.now();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const { parse } = require(path.join(N8N_DIR, 'node_modules', 'flatted'));

beforeAll(async () => {
	fs.rmSync(ARTIFACTS, { recursive: true, force: true });
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	await timed('n8n install (cached after the first time)', async () => await ensureInstalled());
	sandbox = await startSandbox({
		port: 0,
		haufe: { rateLimits: LOWEST_TIER, responseDelayMs: 300, streamChunkDelayMs: 40 },
		griptape: { runStepMs: 500, tokenDelayMs: 150 },
	});
	setup = await timed(
		'Postgres, Redis, n8n main and 2 workers',
		async () =>
			await startQueueSetup({
				workers: 2,
				concurrency: 2,
				logDir: ARTIFACTS,
				env: {
					// A killed worker's job is found stalled (its lock not renewed) within seconds instead
					// of a minute and a half, and the main process marks its execution crashed within
					// 15 s instead of 3 hours (n8n's defaults: 60 s lock, 30 s checks, 180 min).
					QUEUE_WORKER_LOCK_DURATION: '15000',
					QUEUE_WORKER_LOCK_RENEW_TIME: '3000',
					QUEUE_WORKER_STALLED_INTERVAL: '5000',
					N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '0.25',
				},
			}),
	);
	const { servicesMs, mainMs, workersMs } = setup.timings;
	phases.push(
		`  Postgres and Redis ${servicesMs} ms, main ${mainMs} ms, 2 workers side by side ${workersMs} ms`,
	);
	api = setup.api;
	haufeCredential = await api.upsertCredential({
		name: 'Haufe Copilot (sandbox)',
		type: 'haufeCopilotApi',
		data: { apiKey: 'sandbox-haufe-key', baseUrl: sandbox.haufe.baseUrl, licenceId: 'QUEUE' },
	});
	griptapeCredential = await api.upsertCredential({
		name: 'Griptape Cloud (sandbox)',
		type: 'griptapeCloudApi',
		data: { apiKey: 'sandbox-griptape-key', baseUrl: sandbox.griptape.baseUrl },
	});
	const replacements = { HAUFE_CREDENTIAL_ID: haufeCredential };
	for (const file of ['webhook-answer.json', 'webhook-streamed-answer.json']) {
		workflows[file] = await api.importAndPublish(loadExample(file, replacements));
	}
	workflows.batch = await api.importAndPublish(batchOnWebhook());
	await Promise.all(
		['haufe-ask', 'haufe-ask-stream', 'queue-batch'].map((route) => webhookRegistered(route)),
	);
}, 600_000);

afterAll(async () => {
	await setup?.stop();
	await sandbox?.close();
	console.log(
		[
			'',
			'Queue-mode phases',
			...phases,
			`whole run: ${((Date.now() - runStarted) / 1000).toFixed(1)} s`,
			'',
			'Queue-mode results',
			...results,
			`logs of Postgres, Redis, main and workers: ${path.relative(ROOT, ARTIFACTS)}/`,
		].join('\n'),
	);
});

/**
 * The batch example (examples/scheduled-batch-questions.json) as is, except that a webhook
 * starts it with the questions in its body instead of the schedule or the manual trigger with
 * its fixed six: the Ask node (concurrency 5, Retry On Fail, the error output), the table and the
 * Unanswered branch are the example's.
 */
function batchOnWebhook() {
	const example = loadExample('scheduled-batch-questions.json', {
		HAUFE_CREDENTIAL_ID: haufeCredential,
	});
	const triggers = ['Every morning', 'Run now'];
	const nodes = example.nodes.filter((node: { name: string }) => !triggers.includes(node.name));
	const questions = nodes.find((node: { name: string }) => node.name === 'Questions');
	questions.parameters.jsonOutput = '={{ JSON.stringify({ questions: $json.body.questions }) }}';
	nodes.push({
		id: '7c1f0c52-1b1e-4a63-9d51-0000000000f1',
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: '7c1f0c52-1b1e-4a63-9d51-00000000f0f1',
		parameters: {
			httpMethod: 'POST',
			path: 'queue-batch',
			responseMode: 'onReceived',
			options: {},
		},
	});
	const connections = { ...example.connections };
	for (const name of triggers) delete connections[name];
	connections.Webhook = { main: [[{ node: 'Questions', type: 'main', index: 0 }]] };
	return {
		name: 'Queue: batch questions on a webhook',
		nodes,
		connections,
		settings: example.settings,
	};
}

/** The six questions of the batch example. */
function exampleQuestions(): string[] {
	const example = loadExample('scheduled-batch-questions.json', {});
	const node = example.nodes.find((entry: { name: string }) => entry.name === 'Questions');
	return JSON.parse(node.parameters.jsonOutput).questions;
}

/** n8n registers a published webhook a moment after answering: wait until the main process has it. */
async function webhookRegistered(route: string) {
	for (let attempt = 0; attempt < 80; attempt++) {
		// A CORS preflight: answered 204 once the route has a registered method, 404 before.
		const probe = await fetch(`${setup.main.baseUrl}/webhook/${route}`, {
			method: 'OPTIONS',
			headers: { origin: 'http://127.0.0.1', 'access-control-request-method': 'POST' },
		});
		if (probe.status === 204) return;
		await sleep(250);
	}
	throw new Error(`webhook ${route} was not registered`);
}

async function post(route: string, body: object) {
	return await fetch(`${setup.main.baseUrl}/webhook/${route}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
}

/** The workflow's executions (newest first), all of them. */
async function executionsOf(workflowId: string): Promise<ExecutionSummary[]> {
	return (await api.executions(workflowId)) as ExecutionSummary[];
}

/** Waits until `count` executions of the workflow beyond `known` have ended (none new, running or waiting). */
async function awaitEnded(
	workflowId: string,
	known: Set<string>,
	count: number,
	timeoutMs: number,
): Promise<ExecutionSummary[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const fresh = (await executionsOf(workflowId)).filter((execution) => !known.has(execution.id));
		const ended = fresh.filter(
			(execution) => !['new', 'running', 'waiting'].includes(execution.status),
		);
		if (fresh.length >= count && ended.length === fresh.length) return fresh;
		if (Date.now() > deadline) {
			throw new Error(
				`after ${timeoutMs / 1000} s: ${ended.length} of ${count} executions ended: ${JSON.stringify(fresh.map((e) => [e.id, e.status]))}`,
			);
		}
		await sleep(1000);
	}
}

async function executionData(id: string): Promise<{ runData: RunData; raw: StoredExecution }> {
	const execution = (await api.execution(id)) as { data: string };
	const raw = parse(execution.data) as StoredExecution;
	return { runData: raw.resultData?.runData ?? {}, raw };
}

const outputOf = (runData: RunData, node: string, output = 0): Item[] =>
	runData[node]?.[0]?.data.main[output] ?? [];

/** Which worker ran each execution, from the workers' logs. */
function workerOf(ids: string[]): Record<string, string[]> {
	const byExecution: Record<string, string[]> = {};
	for (const id of ids) byExecution[id] = [];
	for (const worker of setup.workers) {
		for (const id of worker.executionIds() as string[])
			if (id in byExecution) byExecution[id].push(worker.name);
	}
	return byExecution;
}

/** The user question of each answer the sandbox gave, from the threads the answers were asked in. */
function answeredQuestions(runs = sandbox.haufe.stats.runs): string[] {
	return runs.map((run) => {
		const messages = sandbox.haufe.state.messages.get(run.threadId as string) ?? [];
		return String(messages.find((message) => message.role === 'user')?.content);
	});
}

const logTail = (file: string) => {
	const full = path.join(ARTIFACTS, file);
	return fs.existsSync(full) ? fs.readFileSync(full, 'utf8').slice(-3000) : '';
};
const withLogs = (error: unknown): never => {
	throw new Error(
		`${(error as Error).message}\n--- main.log ---\n${logTail('main.log')}\n--- worker-1.log ---\n${logTail('worker-1.log')}`,
	);
};

it('loads the package on every process: its types on the main process, its node run by each worker', async () => {
	await timed('test: package on every process', async () => {
		const nodes = (await api.getJson('/types/nodes.json')) as Array<{ name: string }>;
		expect(nodes.map((node) => node.name)).toEqual(
			expect.arrayContaining([
				'n8n-nodes-assistant-threads.haufeCopilot',
				'n8n-nodes-assistant-threads.griptapeCloudTrigger',
			]),
		);
		const workflowId = workflows['webhook-answer.json'].id;
		const known = new Set((await executionsOf(workflowId)).map((execution) => execution.id));
		// Eight at once: more than one worker takes at a time (concurrency 2), so both take some.
		const questions = Array.from(
			{ length: 8 },
			(_, index) => `Frage ${index + 1} an jeden Worker?`,
		);
		const bodies = await Promise.all(
			questions.map(async (question) => {
				const response = await post('haufe-ask', { question });
				expect(response.status).toBe(200);
				return (await response.json()) as { answer: string; thread_id: string };
			}),
		);
		bodies.forEach((body, index) => {
			expect(body.answer).toMatch(new RegExp(`^Answer to: Frage ${index + 1} an jeden Worker\\?`));
			const stored = (sandbox.haufe.state.messages.get(body.thread_id) ?? []).find(
				(message) => message.role === 'assistant',
			);
			expect(body.answer).toBe(stored?.content);
		});
		const executions = await awaitEnded(workflowId, known, questions.length, 60_000);
		expect(executions.map((execution) => execution.status)).toEqual(questions.map(() => 'success'));
		const ranOn = workerOf(executions.map((execution) => execution.id));
		// Every execution ran on exactly one worker, and each worker ran some.
		for (const workers of Object.values(ranOn)) expect(workers).toHaveLength(1);
		const perWorker = setup.workers.map(
			(worker) => Object.values(ranOn).filter((names) => names[0] === worker.name).length,
		);
		perWorker.forEach((count: number) => expect(count).toBeGreaterThan(0));
		results.push(
			`package loaded: main lists the types; the 8 webhook executions ran ${perWorker.join(' + ')} on the two workers`,
		);
	}).catch(withLogs);
});

it('the webhook examples run on a worker and answer: plain, and streamed (first bytes before the answer is complete)', async () => {
	await timed('test: webhook examples', async () => {
		const plainId = workflows['webhook-answer.json'].id;
		const streamId = workflows['webhook-streamed-answer.json'].id;
		const known = new Set(
			[...(await executionsOf(plainId)), ...(await executionsOf(streamId))].map(
				(execution) => execution.id,
			),
		);

		const plain = await post('haufe-ask', { question: 'Wie lang ist die Probezeit?' });
		expect(plain.status).toBe(200);
		const body = (await plain.json()) as { answer: string; thread_id: string; sources: unknown[] };
		expect(body.answer).toMatch(/^Answer to: Wie lang ist die Probezeit\?/);
		expect(body.sources).toHaveLength(2);

		const started = Date.now();
		const response = await post('haufe-ask-stream', {
			question: 'Was gilt bei Krankheit im Urlaub?',
		});
		expect(response.status).toBe(200);
		const { items, firstItemAt, endedAt } = await readStreamedResponse(response);
		const streamed = items.slice(0, -1).join('');
		const [threadId] = [...sandbox.haufe.state.threads.keys()].slice(-1);
		const stored = (sandbox.haufe.state.messages.get(threadId) ?? []).find(
			(message) => message.role === 'assistant',
		);
		expect(streamed).toBe(stored?.content);
		expect(items.at(-1)).toMatch(/Powered by Haufe$/);
		// One word every 40 ms from the sandbox: most of the answer was still to come at the first bytes.
		const words = streamed.split(' ').length;
		expect(endedAt - (firstItemAt as number)).toBeGreaterThan((words - 2) * 40 * 0.5);

		const plainRun = await awaitEnded(plainId, known, 1, 30_000);
		const streamRun = await awaitEnded(streamId, known, 1, 30_000);
		const ranOn = workerOf([plainRun[0].id, streamRun[0].id]);
		expect([plainRun[0].status, streamRun[0].status]).toEqual(['success', 'success']);
		expect(Object.values(ranOn).map((names) => names.length)).toEqual([1, 1]);
		results.push(
			`webhook examples: plain on ${ranOn[plainRun[0].id]}, streamed on ${ranOn[streamRun[0].id]}: first bytes after ${(firstItemAt as number) - started} ms, complete after ${endedAt - started} ms`,
		);
	}).catch(withLogs);
});

it('the batch example runs on a worker: its six questions answered once each', async () => {
	await timed('test: batch example', async () => {
		const workflowId = workflows.batch.id;
		const known = new Set((await executionsOf(workflowId)).map((execution) => execution.id));
		const runsBefore = sandbox.haufe.stats.runs.length;
		const questions = exampleQuestions();
		expect((await post('queue-batch', { questions })).status).toBe(200);
		const [execution] = await awaitEnded(workflowId, known, 1, 120_000);
		expect(execution.status).toBe('success');
		const { runData } = await executionData(execution.id);
		const table = outputOf(runData, 'Table').map((item) => item.json);
		expect(table.map((row) => row.question)).toEqual(questions);
		table.forEach((row) =>
			expect(String(row.answer).startsWith(`Answer to: ${row.question}`)).toBe(true),
		);
		expect(outputOf(runData, 'Unanswered')).toHaveLength(0);
		expect(answeredQuestions(sandbox.haufe.stats.runs.slice(runsBefore)).sort()).toEqual(
			[...questions].sort(),
		);
		const ranOn = workerOf([execution.id]);
		expect(ranOn[execution.id]).toHaveLength(1);
		results.push(`batch example: 6 of 6 answered once, on ${ranOn[execution.id]}`);
	}).catch(withLogs);
});

/**
 * `batches` executions of the batch workflow at once, BATCH questions each, against the lowest
 * tier: every question answered exactly once (counted at the sandbox), no execution failed,
 * nothing on the Unanswered branch, and 429s below 10% of the answer requests.
 */
async function concurrentBatches(batches: number) {
	const label = `${batches} batches of ${BATCH}`;
	const workflowId = workflows.batch.id;
	const known = new Set((await executionsOf(workflowId)).map((execution) => execution.id));
	// A fresh server window: the answers of earlier tests do not count against this run.
	sandbox.reset();
	const questions = Array.from({ length: batches }, (_, batch) =>
		Array.from(
			{ length: BATCH },
			(_, index) => `Batch ${batches}.${batch + 1}, Frage ${index + 1}?`,
		),
	);
	const started = Date.now();
	await Promise.all(
		questions.map(async (list) =>
			expect((await post('queue-batch', { questions: list })).status).toBe(200),
		),
	);
	// The bound: 60 answers a minute, 15 a second. Plus the time limit the node may use.
	const executions = await awaitEnded(workflowId, known, batches, 600_000);
	const seconds = (Date.now() - started) / 1000;
	const { answerRequests, rateLimited } = sandbox.haufe.stats;
	const answered = answeredQuestions();
	const counts = new Map<string, number>();
	for (const question of answered) counts.set(question, (counts.get(question) ?? 0) + 1);
	const expected = questions.flat();
	const missing = expected.filter((question) => !counts.has(question));
	const twice = [...counts].filter(([, count]) => count > 1).map(([question]) => question);
	const failed = executions.filter((execution) => execution.status !== 'success');
	let unanswered = 0;
	let tableRows = 0;
	for (const execution of executions) {
		const { runData } = await executionData(execution.id);
		unanswered += outputOf(runData, 'Unanswered').length;
		tableRows += outputOf(runData, 'Table').length;
	}
	const ranOn = workerOf(executions.map((execution) => execution.id));
	// When the answer requests' 429s came, in seconds after the batches were posted. The target
	// (issue 14) is about answer requests; thread and message 429s are printed beside them.
	const rejectedAt = sandbox.requests
		.filter((entry) => entry.status === 429 && /\/run(\/stream)?$/.test(entry.path))
		.map((entry) => ((entry.at - started) / 1000).toFixed(1));
	const share = answerRequests ? rejectedAt.length / answerRequests : 0;
	const total = expected.length;
	const bound = Math.max(Math.ceil(total / 60) - 1, 0) * 60 + (((total - 1) % 60) + 1) / 15;
	results.push(
		`${label}: ${seconds.toFixed(1)} s (bound about ${bound.toFixed(0)} s); ${answered.length} answers for ${total} questions, ` +
			`${missing.length} never answered, ${twice.length} answered twice; ${answerRequests} answer requests, ${rejectedAt.length} answered 429 ` +
			`(${(share * 100).toFixed(1)}%${rejectedAt.length ? `, at ${rejectedAt.join(', ')} s` : ''}; ${rateLimited - rejectedAt.length} thread and message 429s); executions ${executions.map((execution) => `${execution.id}:${execution.status}@${ranOn[execution.id].join('+')}`).join(', ')}; ` +
			`${tableRows} table rows, ${unanswered} unanswered items`,
	);
	expect({ missing, twice, answers: answered.length }).toEqual({
		missing: [],
		twice: [],
		answers: total,
	});
	expect(failed.map((execution) => [execution.id, execution.status])).toEqual([]);
	expect(unanswered).toBe(0);
	expect(tableRows).toBe(total);
	expect(share).toBeLessThan(MAX_429_SHARE);
}

it(`two batches at once (${2 * BATCH} questions) at the lowest tier: each question answered once, none fails, 429s under 10%`, async () => {
	await timed(`test: 2 batches of ${BATCH}`, async () => await concurrentBatches(2));
}, 900_000);

it(`four batches at once (2 workers × concurrency 2, ${4 * BATCH} questions): each question answered once, none fails, 429s under 10%`, async () => {
	await timed(`test: 4 batches of ${BATCH}`, async () => await concurrentBatches(4));
}, 900_000);

/**
 * The trigger example (examples/griptape-run-events-trigger.json) with one node added after its
 * Event node: a 10 s Wait, a slow consumer that keeps each execution in flight on its worker
 * long enough to kill the worker under it.
 */
function triggerWithSlowConsumer(runId: string) {
	const example = loadExample('griptape-run-events-trigger.json', {
		GRIPTAPE_CREDENTIAL_ID: griptapeCredential,
		GRIPTAPE_RUN_ID: runId,
	});
	example.name = 'Queue: react to the events of a run, slowly';
	example.nodes.push({
		id: '3b4c5d6e-7f80-4a91-8b2c-0000000000f1',
		name: 'Slow consumer',
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		position: [440, 0],
		webhookId: '3b4c5d6e-7f80-4a91-8b2c-00000000f0f1',
		parameters: { resume: 'timeInterval', amount: 10, unit: 'seconds' },
	});
	example.connections.Event = { main: [[{ node: 'Slow consumer', type: 'main', index: 0 }]] };
	return example;
}

/**
 * The event IDs the trigger handed to an execution: its output in the run data, or, for an
 * execution that never ran to the end (crashed), the input n8n stored for it when the main
 * process enqueued it.
 */
function triggerEventIds(raw: StoredExecution): string[] {
	const ran = outputOf(raw.resultData?.runData ?? {}, 'On run events');
	if (ran.length) return ran.map((item) => String(item.json.event_id));
	const stacked = (raw.executionData?.nodeExecutionStack ?? []).find(
		(entry) => entry.node?.name === 'On run events',
	);
	return (stacked?.data?.main?.[0] ?? []).map((item) => String(item.json.event_id));
}

it('the Griptape trigger with a worker killed (SIGKILL) under its executions: each event emitted once, processed at most once, none lost from view', async () => {
	await timed('test: trigger with a killed worker', async () => {
		// About 50 events over about 25 s: the activation poll emits the first ones, the next minute
		// poll (or two) the rest.
		sandbox.griptape.configure({ tokenDelayMs: 500 });
		const input =
			'Bitte fasse die Ereignisse dieses Laufs zusammen, Wort für Wort, damit der Trigger sie über mehrere Abfragen hinweg einzeln liefert und keines doppelt.';
		const runId = String(
			sandbox.griptape.createRun(sandbox.griptape.ids.assistants[0], { input }).assistant_run_id,
		);
		const expected = () =>
			sandbox.griptape.state.events
				.filter((event) => event.assistant_run_id === runId)
				.map((event) => event.event_id);
		await sleep(3000);
		const workflowId = (await api.importAndPublish(triggerWithSlowConsumer(runId))).id as string;

		// The first execution in flight (on its Wait), and the worker that runs it.
		let victim: QueueWorker | undefined;
		const deadline = Date.now() + 150_000;
		while (!victim) {
			const running = (await executionsOf(workflowId)).filter(
				(execution) => execution.status === 'running',
			);
			victim = setup.workers.find((worker) =>
				running.some((execution) => worker.executionIds().includes(execution.id)),
			);
			if (victim) break;
			if (Date.now() > deadline)
				throw new Error('no execution of the trigger workflow started on a worker within 150 s');
			await sleep(200);
		}
		const ended = await victim.kill('SIGKILL');
		expect(ended.signal).toBe('SIGKILL');
		// What the killed worker had in flight: its executions of the workflow not ended when it died.
		const inFlight = new Set(
			(await executionsOf(workflowId))
				.filter((execution) => execution.status === 'running')
				.map((execution) => execution.id),
		);
		const lost = victim.executionIds().filter((id) => inFlight.has(id));
		// An orchestrator starts a new worker in its place.
		const replacement = await setup.addWorker();

		// Until the run is over, the trigger has handed out all its events, and nothing runs.
		let executions: ExecutionSummary[] = [];
		const emitted = new Map<string, string[]>();
		const until = Date.now() + 240_000;
		for (;;) {
			executions = await executionsOf(workflowId);
			for (const execution of executions) {
				if (!emitted.has(execution.id) || !emitted.get(execution.id)?.length)
					emitted.set(execution.id, triggerEventIds((await executionData(execution.id)).raw));
			}
			const done = sandbox.griptape.state.runs.get(runId)?.status === 'SUCCEEDED';
			const all = [...emitted.values()].flat();
			const settled = executions.every(
				(execution) => !['new', 'running', 'waiting'].includes(execution.status),
			);
			if (done && settled && all.length >= expected().length) break;
			if (Date.now() > until) {
				throw new Error(
					`after 240 s: run ${sandbox.griptape.state.runs.get(runId)?.status}, ${all.length} of ${expected().length} events emitted, executions ${JSON.stringify(executions.map((e) => [e.id, e.status]))}`,
				);
			}
			await sleep(2000);
		}
		const byId = (a: ExecutionSummary, b: ExecutionSummary) => Number(a.id) - Number(b.id);
		const originals = executions.filter((execution) => !execution.retryOf).sort(byId);
		// Emitted exactly once: the trigger's outputs, execution after execution, are the run's events in order.
		expect(originals.flatMap((execution) => emitted.get(execution.id) ?? [])).toEqual(expected());
		// The killed worker's executions failed: n8n does not run them again by itself. Its queue
		// recovery marks them `crashed`; when the job's stall is noticed first (or after), `error`
		// ("job stalled more than maxStalledCount").
		const crashed = originals.filter((execution) => lost.includes(execution.id));
		expect(crashed.length).toBeGreaterThan(0);
		crashed.forEach((execution) => expect(['crashed', 'error']).toContain(execution.status));
		expect(
			originals
				.filter((execution) => !lost.includes(execution.id))
				.map((execution) => execution.status),
		).toEqual(originals.filter((execution) => !lost.includes(execution.id)).map(() => 'success'));
		const lostEvents = crashed.flatMap((execution) => emitted.get(execution.id) ?? []);
		expect(lostEvents.length).toBeGreaterThan(0);

		/** The Event node's outputs in executions that succeeded. */
		const delivered = async () => {
			const ids: string[] = [];
			for (const execution of (await executionsOf(workflowId)).filter(
				(entry) => entry.status === 'success',
			)) {
				ids.push(
					...outputOf((await executionData(execution.id)).runData, 'Event').map((item) =>
						String(item.json.event_id),
					),
				);
			}
			return ids;
		};
		// Before the retry: at most once, the crashed execution's events missing.
		const before = await delivered();
		expect([...before].sort()).toEqual(
			expected()
				.filter((id) => !lostEvents.includes(id))
				.sort(),
		);

		// Each event accounted for exactly once: processed by one successful execution, or held
		// (as its stored input) by one execution that died with the worker.
		expect([...before, ...lostEvents].sort()).toEqual([...expected()].sort());

		// n8n's retry of the failed execution: it must never deliver an event twice. (In n8n
		// 2.41.1 it does not deliver them at all: a job that stalled keeps its stall error and the
		// retry ends with it at once, no node run; the results line says what happened.)
		for (const execution of crashed)
			await api.request('POST', `/executions/${execution.id}/retry`, { loadWorkflow: false });
		const retries = await awaitEnded(
			workflowId,
			new Set(executions.map((execution) => execution.id)),
			crashed.length,
			120_000,
		);
		expect(retries.map((execution) => execution.retryOf).sort()).toEqual(
			crashed.map((execution) => execution.id).sort(),
		);
		const retryOutcomes: string[] = [];
		for (const execution of retries) {
			const { raw, runData } = await executionData(execution.id);
			const error = raw.resultData?.error?.message;
			retryOutcomes.push(
				`${execution.id} (retry of ${execution.retryOf}): ${execution.status}${error ? `, "${String(error).slice(0, 80)}…"` : ''}, nodes run: ${Object.keys(runData).join(', ') || 'none'}`,
			);
		}
		const after = await delivered();
		expect(new Set(after).size).toBe(after.length);
		expect(after.filter((id) => !expected().includes(id))).toEqual([]);
		const redelivered = lostEvents.filter((id) => after.includes(id)).length;

		const ranOn = workerOf(executions.concat(retries).map((execution) => execution.id));
		results.push(
			`trigger: ${expected().length} events over ${originals.length} executions (${originals.map((e) => `${e.id}:${e.status}@${ranOn[e.id].join('+') || '-'}:${emitted.get(e.id)?.length}`).join(', ')}); ` +
				`${victim.name} killed under ${crashed.map((e) => e.id).join(', ')} (${lostEvents.length} events), ${replacement.name} started in its place; ` +
				`emitted once each: ${expected().length}/${expected().length}; processed once: ${before.length}, held by the failed execution: ${lostEvents.length}; ` +
				`n8n's retry: ${retryOutcomes.join('; ')} on ${retries.map((e) => ranOn[e.id].join('+') || '-').join(', ')}: ${redelivered} of ${lostEvents.length} held events delivered, ${after.length} delivered in all, none twice`,
		);
	}).catch(withLogs);
}, 600_000);
