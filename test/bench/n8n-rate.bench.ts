/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The benchmark a user would trust (issue 14, point 5; `npm run bench`): the real n8n (the pinned
 * 2.41.1, scripts/lib/n8n.js) with this package loaded, against the sandbox at the lowest Haufe
 * tier (answers 15/s and 60/min, threads and messages 60/s and 180/min) with 300 ms answers.
 * Every workflow is started by a webhook that responds when its last node finishes; wall time is
 * from the request to the end of the response.
 *
 * 1. Ask (package) vs the best chain of n8n's HTTP Request nodes (workflows/http-request-chain.json),
 *    N = 50 and 120, alternating within each run, against the rate-limit bound.
 * 2. Two and four batches at once (2 × 60, 4 × 30, Ask concurrency 5, one API account), in regular
 *    mode and in queue mode (Postgres, Redis, main + 2 workers at concurrency 2; scripts/lib/queue.js).
 * 3. n8n's CPU per question (the n8n process and its children, from /proc), rate limits lifted,
 *    500 questions: Ask and the HTTP Request chain, each minus a no-op workflow with the same items.
 * 4. The streamed webhook (examples/webhook-streamed-answer.json): first text at the caller minus
 *    when the sandbox wrote its first chunk.
 *
 * Each figure is min / median / max of BENCH_RUNS runs (default 3). BENCH_FILTER (a regular
 * expression, case-insensitive) runs only the rows whose name matches (e.g. "single|stream");
 * rows: "single N=50", "single N=120", "regular 2x60", "regular 4x30", "cpu", "stream",
 * "queue 2x60", "queue 4x30". Asserts only correctness: every question answered exactly once, no
 * failed execution; timings are printed, never asserted. Each run uses a fresh API key (the
 * sandbox counts every key against one budget), so no run inherits the client-side budget of the
 * one before; the sandbox's own windows are reset between runs.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';

const { startN8n, N8nApi, freePort, loadExample } = require('../../scripts/lib/n8n');
const { ensureInstalled, ROOT } = require('../../scripts/lib/n8n-install');
const { startQueueSetup } = require('../../scripts/lib/queue');

const LOWEST_TIER = {
	answer: { perSecond: 15, perMinute: 60 },
	general: { perSecond: 60, perMinute: 180 },
};
const LATENCY_MS = 300;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const FILTER = process.env.BENCH_FILTER ? new RegExp(process.env.BENCH_FILTER, 'i') : null;
const selected = (row: string) => !FILTER || FILTER.test(row);
const HR_ASSISTANT = '3f1c2a9e-7b4d-4e8a-9c21-5d6e7f8a9b01';
const LICENCE = 'LIC-4711';
const ARTIFACTS = path.join(ROOT, 'test-results', 'bench');
const CPU_QUESTIONS = Number(process.env.BENCH_CPU_QUESTIONS ?? 500);
const STREAM_REQUESTS = 10;
/** Ask's concurrency for a single batch (its best: the answer budget, not the latency, is the limit) and for concurrent batches. */
const SINGLE_CONCURRENCY = 10;
const CONCURRENT_CONCURRENCY = 5;

jest.setTimeout(60 * 60_000);

/** The earliest the i-th answer (0-based) may start under 15/s and 60/min, in seconds. */
const earliestStart = (index: number) =>
	Math.floor(index / 60) * 60 + Math.floor((index % 60) / 15);
/** Seconds the answer budget needs for `total` answers: the last one's start plus its latency. */
const boundSeconds = (total: number) => earliestStart(total - 1) + LATENCY_MS / 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();
const spread = (values: number[], digits = 2) => {
	if (values.length === 0) return '-';
	const sorted = [...values].sort((a, b) => a - b);
	return [sorted[0], sorted[Math.floor((sorted.length - 1) / 2)], sorted[sorted.length - 1]]
		.map((value) => value.toFixed(digits))
		.join(' / ');
};

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const table: string[][] = [];
const notes: string[] = [];
function row(cells: string[]) {
	table.push(cells);
}
afterAll(() => {
	const header = [
		'row',
		'wall s (min / median / max)',
		'bound s',
		'× bound (min / median / max)',
		'429s per run / answer requests per run',
		'correct',
	];
	const all = [header, ...table];
	const widths = header.map((_, column) =>
		Math.max(...all.map((cells) => (cells[column] ?? '').length)),
	);
	const line = (cells: string[]) =>
		`| ${cells.map((cell, column) => (cell ?? '').padEnd(widths[column])).join(' | ')} |`;
	const text = [
		'',
		`n8n rate benchmark: n8n 2.41.1, sandbox at the lowest Haufe tier, ${LATENCY_MS} ms answers, ${RUNS} run(s) each` +
			(FILTER ? ` (BENCH_FILTER=${FILTER.source})` : ''),
		line(header),
		line(widths.map((width) => '-'.repeat(width))),
		...table.map(line),
		...notes,
	].join('\n');
	console.log(text);
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	fs.writeFileSync(path.join(ARTIFACTS, 'n8n-rate.txt'), `${text}\n`);
});

// ---------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------

const node = (
	name: string,
	type: string,
	typeVersion: number,
	parameters: object,
	extra: object = {},
) => ({
	id: `b3c1a0d0-0000-4000-8000-${Buffer.from(name).toString('hex').padEnd(12, '0').slice(0, 12)}`,
	name,
	type,
	typeVersion,
	position: [0, 0],
	parameters,
	...extra,
});
const webhookNode = (route: string) =>
	node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2,
		{
			httpMethod: 'POST',
			path: route,
			responseMode: 'lastNode',
			responseData: 'firstEntryJson',
			options: {},
		},
		{
			webhookId: `b3c1a0d0-0000-4000-8000-${Buffer.from(route).toString('hex').padEnd(12, '0').slice(0, 12)}`,
		},
	);
const splitNode = () =>
	node('One item per question', 'n8n-nodes-base.splitOut', 1, {
		fieldToSplitOut: 'body.questions',
		options: { destinationFieldName: 'question' },
	});
const chainOf = (...names: string[]) =>
	Object.fromEntries(
		names
			.slice(0, -1)
			.map((name, index) => [
				name,
				{ main: [[{ node: names[index + 1], type: 'main', index: 0 }]] },
			]),
	);

/** Webhook → one item per question → Ask (the package) at `concurrency`, default settings otherwise. */
function askWorkflow(
	route: string,
	concurrency: number,
	credentialId: string,
	requestOptions: object = {},
) {
	const ask = node(
		'Ask Haufe Copilot',
		'n8n-nodes-assistant-threads.haufeCopilot',
		1,
		{
			resource: 'question',
			operation: 'ask',
			assistantId: { __rl: true, mode: 'id', value: HR_ASSISTANT },
			question: '={{ $json.question }}',
			options: { concurrency },
			...(Object.keys(requestOptions).length > 0 ? { requestOptions } : {}),
		},
		{ credentials: { haufeCopilotApi: { id: credentialId, name: 'Bench Haufe' } } },
	);
	return {
		name: `Bench: Ask (${route})`,
		nodes: [webhookNode(route), splitNode(), ask],
		connections: chainOf('Webhook', 'One item per question', 'Ask Haufe Copilot'),
		settings: { executionOrder: 'v1' },
	};
}

/** The same items through a node that does nothing: n8n's own cost of a webhook and its items. */
function noopWorkflow(route: string) {
	return {
		name: `Bench: no-op (${route})`,
		nodes: [webhookNode(route), splitNode(), node('Nothing', 'n8n-nodes-base.noOp', 1, {})],
		connections: chainOf('Webhook', 'One item per question', 'Nothing'),
		settings: { executionOrder: 'v1' },
	};
}

/** The HTTP Request chain as a user keeps it (test/bench/workflows/http-request-chain.json). */
function chainWorkflow(baseUrl: string, headerCredentialId: string) {
	let text = fs.readFileSync(path.join(__dirname, 'workflows', 'http-request-chain.json'), 'utf8');
	for (const [placeholder, value] of Object.entries({
		HAUFE_BASE_URL: baseUrl,
		HEADER_CREDENTIAL_ID: headerCredentialId,
		HAUFE_LICENCE: LICENCE,
	})) {
		text = text.split(placeholder).join(value);
	}
	return JSON.parse(text);
}

/**
 * The chain with rate limits lifted (for the CPU figure): the same three HTTP Request nodes
 * without batching, the loop and the wait, which only pace it.
 */
function freeChainWorkflow(baseUrl: string, headerCredentialId: string, route: string) {
	const chain = chainWorkflow(baseUrl, headerCredentialId);
	const keep = ['Webhook', 'One item per question', 'Create thread', 'Post message', 'Run'];
	const nodes = chain.nodes
		.filter((entry: WorkflowNode) => keep.includes(entry.name))
		.map((entry: WorkflowNode) => {
			const copy = structuredClone(entry);
			if (copy.name === 'Webhook') {
				copy.parameters.path = route;
				copy.webhookId = 'b3c1a0d0-0000-4000-8000-00000000f0ff';
			}
			if (copy.parameters.options?.batching) delete copy.parameters.options.batching;
			if (copy.name === 'Post message')
				copy.parameters.jsonBody =
					"={{ JSON.stringify({ role: 'user', content: $('One item per question').item.json.question }) }}";
			delete copy.onError;
			return copy;
		});
	return {
		name: `Bench: HTTP Request chain, unpaced (${route})`,
		nodes,
		connections: chainOf(...keep),
		settings: { executionOrder: 'v1' },
	};
}

// ---------------------------------------------------------------------------------------------
// n8n instances
// ---------------------------------------------------------------------------------------------

/** The parts of scripts/lib/n8n.js's N8nApi used here. */
interface N8nRestApi {
	upsertCredential(credential: { name: string; type: string; data: object }): Promise<string>;
	importAndPublish(workflow: object): Promise<{ id: string }>;
	executions(workflowId: string): Promise<unknown>;
}

/** The parts of scripts/lib/queue.js's setup used here. */
interface QueueSetup {
	main: { baseUrl: string };
	api: N8nRestApi;
	workers: Array<{ name: string; executionIds(): string[] }>;
	timings: { servicesMs: number; mainMs: number; workersMs: number };
	stop(): Promise<void>;
}

interface WorkflowNode {
	name: string;
	webhookId?: string;
	onError?: string;
	parameters: { path?: string; jsonBody?: string; options?: { batching?: unknown } };
}

interface Instance {
	baseUrl: string;
	api: N8nRestApi;
	/** The pid of n8n's main process (regular mode). */
	pid?: number;
	credentialIds: { haufe: string; header: string };
	workflows: Record<string, { id: string }>;
}

let sandbox: Sandbox;
const apiKeys: string[] = [];
let keyCounter = 0;

/** A new API key for the next run, on both credentials: a fresh client-side budget. */
async function freshKey(instance: Instance) {
	const key = `bench-haufe-key-${++keyCounter}`;
	apiKeys.push(key);
	sandbox.haufe.configure({ apiKeys });
	await instance.api.upsertCredential({
		name: 'Bench Haufe',
		type: 'haufeCopilotApi',
		data: { apiKey: key, baseUrl: sandbox.haufe.baseUrl, licenceId: LICENCE },
	});
	await instance.api.upsertCredential({
		name: 'Haufe api-key header',
		type: 'httpHeaderAuth',
		data: { name: 'api-key', value: key },
	});
}

async function webhookRegistered(baseUrl: string, route: string) {
	for (let attempt = 0; attempt < 120; attempt++) {
		const probe = await fetch(`${baseUrl}/webhook/${route}`, {
			method: 'OPTIONS',
			headers: { origin: 'http://127.0.0.1', 'access-control-request-method': 'POST' },
		});
		if (probe.status === 204) return;
		await sleep(250);
	}
	throw new Error(`webhook ${route} was not registered`);
}

async function prepare(api: N8nRestApi, baseUrl: string, routes: string[]): Promise<Instance> {
	const instance: Instance = {
		baseUrl,
		api,
		credentialIds: { haufe: '', header: '' },
		workflows: {},
	};
	instance.credentialIds.haufe = await api.upsertCredential({
		name: 'Bench Haufe',
		type: 'haufeCopilotApi',
		data: { apiKey: 'sandbox-haufe-key', baseUrl: sandbox.haufe.baseUrl, licenceId: LICENCE },
	});
	instance.credentialIds.header = await api.upsertCredential({
		name: 'Haufe api-key header',
		type: 'httpHeaderAuth',
		data: { name: 'api-key', value: 'sandbox-haufe-key' },
	});
	const { haufe, header } = instance.credentialIds;
	const all: Record<string, () => object> = {
		'bench-ask': () => askWorkflow('bench-ask', SINGLE_CONCURRENCY, haufe),
		'bench-ask-5': () => askWorkflow('bench-ask-5', CONCURRENT_CONCURRENCY, haufe),
		// The package's client-side caps turned off (its Request Options), as the sandbox's are for the CPU figure.
		'bench-ask-free': () =>
			askWorkflow('bench-ask-free', SINGLE_CONCURRENCY, haufe, {
				answerRequestsPerMinute: 0,
				answerRequestsPerSecond: 0,
				otherRequestsPerMinute: 0,
				otherRequestsPerSecond: 0,
			}),
		'bench-chain': () => chainWorkflow(sandbox.haufe.baseUrl, header),
		'bench-chain-free': () => freeChainWorkflow(sandbox.haufe.baseUrl, header, 'bench-chain-free'),
		'bench-noop': () => noopWorkflow('bench-noop'),
		'haufe-ask-stream': () =>
			loadExample('webhook-streamed-answer.json', { HAUFE_CREDENTIAL_ID: haufe }),
	};
	for (const route of routes) instance.workflows[route] = await api.importAndPublish(all[route]());
	for (const route of routes) await webhookRegistered(baseUrl, route);
	return instance;
}

/** Executions of the workflow that are not in `known`, once none of them is still running. */
async function newExecutions(
	instance: Instance,
	route: string,
	known: Set<string>,
	expected: number,
) {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const all = (await instance.api.executions(instance.workflows[route].id)) as Array<{
			id: string;
			status: string;
		}>;
		const fresh = all.filter((execution) => !known.has(execution.id));
		const ended = fresh.filter(
			(execution) => !['new', 'running', 'waiting'].includes(execution.status),
		);
		if ((fresh.length >= expected && ended.length === fresh.length) || Date.now() > deadline)
			return fresh;
		await sleep(500);
	}
}
const executionIds = async (instance: Instance, route: string) =>
	new Set(
		((await instance.api.executions(instance.workflows[route].id)) as Array<{ id: string }>).map(
			(execution) => execution.id,
		),
	);

async function post(instance: Instance, route: string, body: object) {
	const response = await fetch(`${instance.baseUrl}/webhook/${route}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(280_000),
	}).catch((error: Error) => {
		throw new Error(`POST /webhook/${route}: ${error.message}`);
	});
	const text = await response.text();
	return { status: response.status, text };
}

/** The user question of every answer the sandbox gave. */
function answeredQuestions(): string[] {
	return sandbox.haufe.stats.runs.map((run) => {
		const messages = sandbox.haufe.state.messages.get(run.threadId as string) ?? [];
		return String(messages.find((message) => message.role === 'user')?.content);
	});
}

/** Every question answered exactly once, nothing else answered. */
function expectAnsweredOnce(questions: string[]) {
	const answered = answeredQuestions();
	expect([...answered].sort()).toEqual([...questions].sort());
	expect([...sandbox.haufe.stats.runsByThread.values()].every((count) => count === 1)).toBe(true);
}

interface Measured {
	wall: number;
	limited: number;
	answerRequests: number;
	failed: number;
}

/**
 * Runs `batches` webhook requests at once (each with its questions) on one fresh API key and
 * checks that every question was answered exactly once and no execution failed.
 */
async function measure(
	instance: Instance,
	route: string,
	batches: number,
	perBatch: number,
	label: string,
): Promise<Measured> {
	await freshKey(instance);
	sandbox.reset();
	const known = await executionIds(instance, route);
	const questions = Array.from({ length: batches }, (_, batch) =>
		Array.from({ length: perBatch }, (_, index) => `${label} B${batch + 1} Frage ${index + 1}?`),
	);
	const started = now();
	const responses = await Promise.all(
		questions.map(async (batch) => await post(instance, route, { questions: batch })),
	);
	const wall = (now() - started) / 1000;
	const { rateLimited, answerRequests } = sandbox.haufe.stats;
	const executions = await newExecutions(instance, route, known, batches);
	const failed = executions.filter((execution) => execution.status !== 'success').length;
	const bad = responses.filter((response) => response.status !== 200);
	if (bad.length > 0)
		throw new Error(
			`${label}: ${bad.length} webhook calls answered ${bad.map((response) => `${response.status} ${response.text.slice(0, 300)}`).join('; ')}`,
		);
	expectAnsweredOnce(questions.flat());
	expect(executions).toHaveLength(batches);
	expect(failed).toBe(0);
	return { wall, limited: rateLimited, answerRequests, failed };
}

function rateRow(name: string, results: Measured[], total: number) {
	const bound = boundSeconds(total);
	row([
		name,
		spread(results.map((result) => result.wall)),
		bound.toFixed(2),
		spread(results.map((result) => result.wall / bound)),
		results.map((result) => `${result.limited}/${result.answerRequests}`).join(', '),
		`${total} answered once, ${results.reduce((sum, result) => sum + result.failed, 0)} failed`,
	]);
}

// ---------------------------------------------------------------------------------------------
// CPU of a process tree, from /proc
// ---------------------------------------------------------------------------------------------

const CLOCK_TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

function readStat(pid: number): { ppid: number; ticks: number } | undefined {
	try {
		const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
		// Fields from 3 on: state ppid … utime(14) stime(15) cutime(16) cstime(17).
		const field = (n: number) => Number(rest[n - 3]);
		return { ppid: field(4), ticks: field(14) + field(15) + field(16) + field(17) };
	} catch {
		return undefined;
	}
}

/** CPU ms of `root` and every descendant (running or reaped), now. */
function treeCpuMs(root: number): number {
	const stats = new Map<number, { ppid: number; ticks: number }>();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = readStat(Number(entry));
		if (stat) stats.set(Number(entry), stat);
	}
	let ticks = 0;
	const queue = [root];
	while (queue.length > 0) {
		const pid = queue.shift()!;
		ticks += stats.get(pid)?.ticks ?? 0;
		for (const [child, stat] of stats) if (stat.ppid === pid) queue.push(child);
	}
	return (ticks * 1000) / CLOCK_TICKS;
}

// ---------------------------------------------------------------------------------------------
// Regular mode: one n8n
// ---------------------------------------------------------------------------------------------

const REGULAR_ROWS = [
	'single N=50',
	'single N=120',
	'regular 2x60',
	'regular 4x30',
	'cpu',
	'stream',
];
const QUEUE_ROWS = ['queue 2x60', 'queue 4x30'];

beforeAll(async () => {
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	sandbox = await startSandbox({
		port: 0,
		haufe: { rateLimits: LOWEST_TIER, responseDelayMs: LATENCY_MS, apiKeys: ['sandbox-haufe-key'] },
	});
	await ensureInstalled();
}, 900_000);
afterAll(async () => await sandbox?.close());

const describeIf = (rows: string[]) => (rows.some(selected) ? describe : describe.skip);
const itIf = (name: string) => (selected(name) ? it : it.skip);

describeIf(REGULAR_ROWS)('regular mode (one n8n)', () => {
	let n8n: { baseUrl: string; process: { pid: number }; stop(): Promise<void> };
	let instance: Instance;
	let userFolder: string;

	beforeAll(async () => {
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bench-'));
		const logFile = path.join(ARTIFACTS, 'n8n.log');
		fs.rmSync(logFile, { force: true });
		n8n = await startN8n({
			userFolder,
			port: await freePort(),
			logFile,
			env: { N8N_LOG_LEVEL: 'warn' },
		});
		const api = new N8nApi(n8n.baseUrl);
		await api.signIn();
		instance = await prepare(api, n8n.baseUrl, [
			'bench-ask',
			'bench-ask-5',
			'bench-ask-free',
			'bench-chain',
			'bench-chain-free',
			'bench-noop',
			'haufe-ask-stream',
		]);
		instance.pid = n8n.process.pid;
	}, 900_000);
	afterAll(async () => {
		await n8n?.stop();
		if (userFolder) fs.rmSync(userFolder, { recursive: true, force: true });
	});

	for (const total of [50, 120]) {
		itIf(`single N=${total}`)(
			`single N=${total}: Ask vs the HTTP Request chain, alternating`,
			async () => {
				const ask: Measured[] = [];
				const chain: Measured[] = [];
				for (let run = 0; run < RUNS; run++) {
					// Alternating, and which goes first alternates too.
					const order = run % 2 === 0 ? ['ask', 'chain'] : ['chain', 'ask'];
					for (const which of order) {
						if (which === 'ask')
							ask.push(await measure(instance, 'bench-ask', 1, total, `R${run} ask N${total}`));
						else
							chain.push(
								await measure(instance, 'bench-chain', 1, total, `R${run} chain N${total}`),
							);
					}
				}
				rateRow(`Ask (package, concurrency ${SINGLE_CONCURRENCY}) N=${total}`, ask, total);
				rateRow(`HTTP Request chain N=${total}`, chain, total);
				row([
					`  ratio Ask / chain N=${total}`,
					spread(ask.map((result, index) => result.wall / chain[index].wall)),
					'',
					'',
					'',
					'',
				]);
			},
		);
	}

	for (const [batches, perBatch] of [
		[2, 60],
		[4, 30],
	]) {
		itIf(`regular ${batches}x${perBatch}`)(
			`regular mode: ${batches} × ${perBatch} at once`,
			async () => {
				const results: Measured[] = [];
				for (let run = 0; run < RUNS; run++)
					results.push(
						await measure(
							instance,
							'bench-ask-5',
							batches,
							perBatch,
							`R${run} regular ${batches}x${perBatch}`,
						),
					);
				rateRow(
					`regular: ${batches} × ${perBatch} at once (Ask, concurrency ${CONCURRENT_CONCURRENCY})`,
					results,
					batches * perBatch,
				);
			},
		);
	}

	itIf('cpu')('n8n CPU per question, rate limits lifted', async () => {
		sandbox.haufe.configure({ rateLimits: null, responseDelayMs: 5 });
		try {
			const variants = ['bench-noop', 'bench-ask-free', 'bench-chain-free'];
			const cpu: Record<string, number[]> = Object.fromEntries(
				variants.map((variant) => [variant, []]),
			);
			const wall: Record<string, number[]> = Object.fromEntries(
				variants.map((variant) => [variant, []]),
			);
			const questions = (label: string) =>
				Array.from({ length: CPU_QUESTIONS }, (_, index) => `${label} Frage ${index + 1}?`);
			// Warm-up: n8n compiles and caches on first use.
			for (const variant of variants) {
				await freshKey(instance);
				sandbox.reset();
				const response = await post(instance, variant, {
					questions: questions(`warm ${variant}`).slice(0, 50),
				});
				if (response.status !== 200)
					throw new Error(`warm-up ${variant}: ${response.status} ${response.text.slice(0, 500)}`);
			}
			for (let run = 0; run < RUNS; run++) {
				for (const variant of variants) {
					await freshKey(instance);
					sandbox.reset();
					await sleep(500);
					const asked = questions(`R${run} ${variant}`);
					const before = treeCpuMs(instance.pid!);
					const started = now();
					const response = await post(instance, variant, { questions: asked });
					wall[variant].push((now() - started) / 1000);
					if (response.status !== 200)
						throw new Error(`${variant}: ${response.status} ${response.text.slice(0, 500)}`);
					await sleep(200);
					cpu[variant].push(treeCpuMs(instance.pid!) - before);
					expect(response.status).toBe(200);
					if (variant !== 'bench-noop') expectAnsweredOnce(asked);
				}
			}
			const perQuestion = (variant: string) =>
				cpu[variant].map((ms, index) => (ms - cpu['bench-noop'][index]) / CPU_QUESTIONS);
			const askOwn = perQuestion('bench-ask-free');
			const chainOwn = perQuestion('bench-chain-free');
			row([
				`CPU no-op workflow, ${CPU_QUESTIONS} items: ms total`,
				spread(cpu['bench-noop'], 0),
				'',
				'',
				'',
				`wall ${spread(wall['bench-noop'])} s`,
			]);
			row([
				'CPU Ask (caps off in Request Options): ms total',
				spread(cpu['bench-ask-free'], 0),
				'',
				'',
				'',
				`wall ${spread(wall['bench-ask-free'])} s`,
			]);
			row([
				'CPU HTTP chain: ms total',
				spread(cpu['bench-chain-free'], 0),
				'',
				'',
				'',
				`wall ${spread(wall['bench-chain-free'])} s`,
			]);
			row(['CPU Ask per question above no-op, ms', spread(askOwn), '', '', '', '']);
			row([
				'CPU HTTP chain (3 bare requests) per question above no-op, ms',
				spread(chainOwn),
				'',
				'',
				'',
				'',
			]);
			row([
				'CPU Ask minus HTTP chain per question, ms',
				spread(askOwn.map((ask, index) => ask - chainOwn[index])),
				'',
				'',
				'',
				'target ≤ 1 ms',
			]);
		} finally {
			sandbox.haufe.configure({ rateLimits: LOWEST_TIER, responseDelayMs: LATENCY_MS });
		}
	});

	itIf('stream')(
		"streamed webhook: first text at the caller vs the sandbox's first chunk",
		async () => {
			const deltas: number[] = [];
			const firstBytes: number[] = [];
			for (let request = 0; request < STREAM_REQUESTS * RUNS; request++) {
				await freshKey(instance);
				sandbox.reset();
				const started = now();
				const response = await fetch(`${instance.baseUrl}/webhook/haufe-ask-stream`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ question: `Streamfrage ${request + 1}?` }),
				});
				expect(response.status).toBe(200);
				const reader = response.body!.getReader();
				const decoder = new TextDecoder();
				let text = '';
				let firstByte: number | undefined;
				let firstText: number | undefined;
				for (;;) {
					const { done, value } = await reader.read();
					if (done) break;
					firstByte ??= now();
					text += decoder.decode(value, { stream: true });
					if (firstText === undefined && /"type":"item","content":"[^"]/.test(text))
						firstText = now();
				}
				const upstream = sandbox.haufe.stats.firstChunks[0]?.at;
				if (firstText === undefined || upstream === undefined)
					throw new Error(`no streamed text (upstream ${upstream}): ${text.slice(0, 500)}`);
				expect(text).toContain('Answer');
				expectAnsweredOnce([`Streamfrage ${request + 1}?`]);
				deltas.push(firstText - upstream);
				firstBytes.push(firstByte! - started);
			}
			row([
				`Streamed webhook: first text at caller − sandbox first chunk, ms (${deltas.length} requests)`,
				spread(deltas, 1),
				'',
				'',
				'',
				'target ≤ 50 ms',
			]);
			row([
				'Streamed webhook: first byte at caller after request, ms',
				spread(firstBytes, 1),
				'',
				'',
				'',
				'',
			]);
		},
	);
});

// ---------------------------------------------------------------------------------------------
// Queue mode: Postgres, Redis, main + 2 workers (concurrency 2 each)
// ---------------------------------------------------------------------------------------------

describeIf(QUEUE_ROWS)('queue mode (main + 2 workers)', () => {
	let setup: QueueSetup;
	let instance: Instance;

	beforeAll(async () => {
		setup = await startQueueSetup({
			workers: 2,
			concurrency: 2,
			logDir: path.join(ARTIFACTS, 'queue'),
			env: { N8N_LOG_LEVEL: 'info' },
		});
		instance = await prepare(setup.api, setup.main.baseUrl, ['bench-ask-5']);
		notes.push(
			`queue mode start-up: services ${setup.timings.servicesMs} ms, main ${setup.timings.mainMs} ms, workers ${setup.timings.workersMs} ms`,
		);
	}, 900_000);
	afterAll(async () => await setup?.stop());

	for (const [batches, perBatch] of [
		[2, 60],
		[4, 30],
	]) {
		itIf(`queue ${batches}x${perBatch}`)(
			`queue mode: ${batches} × ${perBatch} at once`,
			async () => {
				const results: Measured[] = [];
				for (let run = 0; run < RUNS; run++)
					results.push(
						await measure(
							instance,
							'bench-ask-5',
							batches,
							perBatch,
							`R${run} queue ${batches}x${perBatch}`,
						),
					);
				const ran = setup.workers
					.map((worker) => `${worker.name} ${worker.executionIds().length}`)
					.join(', ');
				rateRow(
					`queue: ${batches} × ${perBatch} at once (Ask, concurrency ${CONCURRENT_CONCURRENCY})`,
					results,
					batches * perBatch,
				);
				notes.push(`queue ${batches}x${perBatch}: executions started so far per worker: ${ran}`);
			},
		);
	}
});
