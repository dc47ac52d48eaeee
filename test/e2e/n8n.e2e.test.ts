/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The package in a real n8n (the pinned version, installed once into .cache/ by
 * scripts/lib/n8n-install.js): loaded, its example workflows imported and published, and run
 * by n8n's own webhook server, CLI and poll scheduler against the sandbox; then used in n8n's
 * editor by Debian's Chromium (editor.ts). n8n's log and the browser's screenshots are kept in
 * test-results/e2e/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import { awaitTriggerEvents, executeFromCli, readStreamedResponse } from '../helpers/n8n-runs';
import { agentToolTests } from './agent-tools';
import { conversationTests } from './conversations';
import { editorTests } from './editor';

const { ensureChromium } = require('../../scripts/lib/chromium');
const {
	startN8n,
	N8nApi,
	loadExample,
	freePort,
	CONVERSATIONS_TABLE,
} = require('../../scripts/lib/n8n');
const { ensureInstalled, N8N_DIR, N8N_VERSION, ROOT } = require('../../scripts/lib/n8n-install');

/** n8n's log and the browser tests' screenshots, kept after the run (emptied at its start). */
const ARTIFACTS = path.join(ROOT, 'test-results', 'e2e');

const phases: string[] = [];
const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
	const started = Date.now();
	try {
		return await work();
	} finally {
		phases.push(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
	}
};

let sandbox: Sandbox;
let n8n: { baseUrl: string; stop(): Promise<void> };
let api: InstanceType<typeof N8nApi>;
let userFolder: string;
let logFile: string;
const workflows: Record<
	string,
	{ id: string; name: string; nodes: Array<{ type: string; webhookId?: string }> }
> = {};
let conversationsTable: { id: string; projectId: string };
const credentials: Record<string, { id: string; name: string }> = {};
let triggerRunId: string;

beforeAll(async () => {
	fs.rmSync(ARTIFACTS, { recursive: true, force: true });
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	// A new machine has no Chromium yet: apt installs it while n8n is installed and started.
	const chromium = timed(
		'Chromium present (installed with apt if missing)',
		async () => await ensureChromium(),
	);
	chromium.catch(() => undefined);
	await timed('n8n install (cached after the first time)', async () => await ensureInstalled());
	sandbox = await startSandbox({
		port: 0,
		haufe: { rateLimits: null, streamChunkDelayMs: 40 },
		// The trigger's run is still going when the workflow is published, and ends before the next poll.
		griptape: { runStepMs: 500, tokenDelayMs: 150 },
	});
	userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
	logFile = path.join(ARTIFACTS, 'n8n.log');
	n8n = await timed(
		'n8n start-up',
		async () => await startN8n({ userFolder, port: await freePort(), logFile }),
	);
	await timed('owner, credentials and example workflows', async () => {
		api = new N8nApi(n8n.baseUrl);
		await api.signIn();
		const haufe = await api.upsertCredential({
			name: 'Haufe Copilot (sandbox)',
			type: 'haufeCopilotApi',
			data: { apiKey: 'sandbox-haufe-key', baseUrl: sandbox.haufe.baseUrl, licenceId: 'E2E' },
		});
		const griptape = await api.upsertCredential({
			name: 'Griptape Cloud (sandbox)',
			type: 'griptapeCloudApi',
			data: { apiKey: 'sandbox-griptape-key', baseUrl: sandbox.griptape.baseUrl },
		});
		const agentChat = await api.upsertCredential({
			name: 'Agent Chat (sandbox)',
			type: 'agentChatApi',
			data: {
				siteUrl: sandbox.agentChat.siteUrl,
				authMethod: 'password',
				email: 'user@example.com',
				password: 'correct-horse-battery',
			},
		});
		const openAiThreads = await api.upsertCredential({
			name: 'OpenAI-compatible Threads (sandbox)',
			type: 'openAiThreadsApi',
			data: { baseUrl: sandbox.openai.baseUrl, apiKey: 'sandbox-openai-key' },
		});
		const names = {
			haufeCopilotApi: [haufe, 'Haufe Copilot (sandbox)'],
			griptapeCloudApi: [griptape, 'Griptape Cloud (sandbox)'],
			agentChatApi: [agentChat, 'Agent Chat (sandbox)'],
			openAiThreadsApi: [openAiThreads, 'OpenAI-compatible Threads (sandbox)'],
		};
		for (const [type, [id, name]] of Object.entries(names)) credentials[type] = { id, name };
		triggerRunId = String(
			sandbox.griptape.createRun(sandbox.griptape.ids.assistants[0], {
				input: 'events for the trigger',
			}).assistant_run_id,
		);
		const replacements = {
			HAUFE_CREDENTIAL_ID: haufe,
			GRIPTAPE_CREDENTIAL_ID: griptape,
			GRIPTAPE_ASSISTANT_ID: sandbox.griptape.ids.assistants[0],
			GRIPTAPE_RUN_ID: triggerRunId,
			AGENT_CHAT_CREDENTIAL_ID: agentChat,
			OPENAI_THREADS_CREDENTIAL_ID: openAiThreads,
			OPENAI_ASSISTANT_ID: sandbox.openai.ids.assistant,
		};
		// The chat examples of Haufe Copilot and OpenAI-compatible Threads keep their threads here.
		conversationsTable = await api.ensureDataTable(
			CONVERSATIONS_TABLE.name,
			CONVERSATIONS_TABLE.columns,
		);
		for (const file of fs
			.readdirSync(path.resolve(__dirname, '../../examples'))
			.filter((name) => name.endsWith('.json'))) {
			workflows[file] = await api.importAndPublish(loadExample(file, replacements));
		}
	});
	await chromium;
}, 900_000);

afterAll(async () => {
	await n8n?.stop();
	await sandbox?.close();
	console.log(
		[
			'',
			'End-to-end phases',
			...phases,
			`n8n's log and the screenshots: ${path.relative(ROOT, ARTIFACTS)}/`,
		].join('\n'),
	);
	if (userFolder) fs.rmSync(userFolder, { recursive: true, force: true });
});

/** On failure, the end of n8n's log says why. */
const logTail = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-3000) : '');

it("loads the package: its nodes and credentials are among n8n's types", async () => {
	await timed('test: types', async () => {
		const nodes = (await api.getJson('/types/nodes.json')) as Array<{ name: string }>;
		const names = nodes.map((node) => node.name);
		expect(names).toEqual(
			expect.arrayContaining([
				'n8n-nodes-assistant-threads.haufeCopilot',
				'n8n-nodes-assistant-threads.griptapeCloud',
				'n8n-nodes-assistant-threads.griptapeCloudTrigger',
				'n8n-nodes-assistant-threads.agentChat',
				'n8n-nodes-assistant-threads.openAiThreads',
				// usableAsTool: n8n adds the tool variant.
				'n8n-nodes-assistant-threads.haufeCopilotTool',
			]),
		);
		const credentials = (await api.getJson('/types/credentials.json')) as Array<{
			name: string;
			httpRequestNode?: { name: string };
		}>;
		// Offered to the HTTP Request node as predefined credential types.
		const offered = credentials
			.filter((credential) => credential.httpRequestNode)
			.map((credential) => credential.name);
		expect(offered).toEqual(
			expect.arrayContaining(['haufeCopilotApi', 'griptapeCloudApi', 'openAiThreadsApi']),
		);
		expect(credentials.map((credential) => credential.name)).toEqual(
			expect.arrayContaining([
				'haufeCopilotApi',
				'griptapeCloudApi',
				'agentChatApi',
				'openAiThreadsApi',
			]),
		);
	});
});

it('tests credentials as the editor does: a good one passes, and the failures say what is wrong', async () => {
	await timed('test: credential tests', async () => {
		const haufe = (data: object) =>
			api.testCredential({ name: 'Haufe test', type: 'haufeCopilotApi', data });
		expect(
			await haufe({ apiKey: 'sandbox-haufe-key', baseUrl: sandbox.haufe.baseUrl }),
		).toMatchObject({ status: 'OK' });
		expect(await haufe({ apiKey: 'wrong', baseUrl: sandbox.haufe.baseUrl })).toEqual({
			status: 'Error',
			message:
				'The API key was rejected (401 unauthorized): check the key. The base URL was reached.',
		});
		const unreachable = await haufe({
			apiKey: 'sandbox-haufe-key',
			baseUrl: 'http://127.0.0.1:9/agents/v1',
		});
		expect(unreachable.status).toBe('Error');
		expect(unreachable.message).toMatch(/refused|ECONNREFUSED/i);

		const agentChat = (data: object) =>
			api.testCredential({
				name: 'Agent chat test',
				type: 'agentChatApi',
				data: { siteUrl: sandbox.agentChat.siteUrl, authMethod: 'password', ...data },
			});
		expect(
			await agentChat({ email: 'user@example.com', password: 'correct-horse-battery' }),
		).toMatchObject({ status: 'OK' });
		const wrongPassword = await agentChat({ email: 'user@example.com', password: 'wrong' });
		expect(wrongPassword).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('The e-mail or password was not accepted'),
		});
		const mfa = await agentChat({ email: 'mfa@example.com', password: 'correct-horse-battery' });
		expect(mfa).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('multi-factor authentication'),
		});
		const wrongApiPath = await agentChat({
			email: 'user@example.com',
			password: 'correct-horse-battery',
			apiPath: '/chat',
		});
		expect(wrongApiPath).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('no agent API under the Agent API Path'),
		});
		const gone = await agentChat({
			email: 'user@example.com',
			password: 'correct-horse-battery',
			siteUrl: 'http://127.0.0.1:9',
		});
		expect(gone.status).toBe('Error');
		expect(gone.message).toMatch(/refused|ECONNREFUSED/i);

		const griptape = await api.testCredential({
			name: 'Griptape test',
			type: 'griptapeCloudApi',
			data: { apiKey: 'sandbox-griptape-key', baseUrl: sandbox.griptape.baseUrl },
		});
		expect(griptape).toMatchObject({ status: 'OK' });
		const openai = await api.testCredential({
			name: 'Threads test',
			type: 'openAiThreadsApi',
			data: { apiKey: 'sandbox-openai-key', baseUrl: sandbox.openai.baseUrl },
		});
		expect(openai).toMatchObject({ status: 'OK' });
	});
});

it("answers a POST to the webhook workflow with the sandbox's answer", async () => {
	await timed('test: webhook answer', async () => {
		const response = await fetch(`${n8n.baseUrl}/webhook/haufe-ask`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ question: 'Wie lang ist die Probezeit?' }),
		});
		const body = (await response.json()) as {
			answer: string;
			thread_id: string;
			sources: unknown[];
		};
		expect(response.status).toBe(200);
		const stored = sandbox.haufe.state.messages.get(body.thread_id) ?? [];
		const answer = stored.find((message) => message.role === 'assistant');
		expect(body.answer).toBe(answer?.content);
		expect(body.answer).toMatch(/^Answer to: Wie lang ist die Probezeit\?/);
		expect(body.sources).toHaveLength(2);
	}).catch((error) => {
		throw new Error(`${(error as Error).message}\n${logTail()}`);
	});
});

it('answers through the Griptape, Agent Chat and OpenAI-compatible example webhooks', async () => {
	await timed('test: the other example webhooks', async () => {
		const post = async (route: string, body: object) =>
			(await (
				await fetch(`${n8n.baseUrl}/webhook/${route}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				})
			).json()) as Record<string, unknown>;
		const griptape = await post('griptape-run', { input: 'Hallo Griptape' });
		expect(griptape.answer).toMatch(/^Griptape answer to: Hallo Griptape\./);
		const agent = await post('agent-chat', { message: 'Hallo Agent' });
		expect(agent.answer).toMatch(/answers: Hallo Agent/);
		expect(sandbox.agentChat.stats.logins).toBeGreaterThanOrEqual(1);
		const threads = await post('threads-run', { message: 'Hallo Threads' });
		expect(threads).toMatchObject({
			status: 'completed',
			answer: expect.stringMatching(/^OpenAI-style answer to: Hallo Threads/),
		});
	});
});

it("renews Agent Chat's expired session: the app ended it, the next webhook call still answers", async () => {
	await timed('test: Agent Chat with an expired session', async () => {
		const post = async (message: string) =>
			await fetch(`${n8n.baseUrl}/webhook/agent-chat`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ message }),
			});
		// A session that n8n stored with the credential, valid until the app ends it.
		expect(((await (await post('Vor dem Ablauf')).json()) as { answer?: string }).answer).toMatch(
			/answers: Vor dem Ablauf/,
		);
		const logins = sandbox.agentChat.stats.logins;
		sandbox.agentChat.expireSessions();
		const response = await post('Nach dem Ablauf');
		const body = (await response.json().catch(() => ({}))) as { answer?: string };
		if (!body.answer)
			throw new Error(`HTTP ${response.status} ${JSON.stringify(body)}\n${logTail()}`);
		expect(body.answer).toMatch(/answers: Nach dem Ablauf/);
		// Exactly one new login: the refused request was sent again with the new session.
		expect(sandbox.agentChat.stats.logins).toBe(logins + 1);
	});
});

it('streams the answer: the first bytes arrive before the answer is complete', async () => {
	await timed('test: streamed webhook', async () => {
		const started = Date.now();
		const response = await fetch(`${n8n.baseUrl}/webhook/haufe-ask-stream`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ question: 'Was gilt bei Krankheit im Urlaub?' }),
		});
		expect(response.status).toBe(200);
		// The sandbox stores the answer only when its stream has started; how much of it has been
		// sent is what matters: the caller has words while the rest is still coming.
		const {
			items,
			firstItemAt,
			itemsInFirstChunk: runsWhenFirstItem,
			endedAt,
		} = await readStreamedResponse(response);
		// The answer's text, then one more item: its sources and "Powered by Haufe" (Ask's option
		// Stream Sources After Answer, on by default).
		expect(items.at(-1)).toMatch(/^\n\nSources:\n(\d+\. [^\n]+\n)+\nPowered by Haufe$/);
		const streamed = items.slice(0, -1).join('');
		const [threadId] = [...sandbox.haufe.state.threads.keys()].slice(-1);
		const stored = (sandbox.haufe.state.messages.get(threadId) ?? []).find(
			(message) => message.role === 'assistant',
		);
		expect(streamed).toBe(stored?.content);
		const words = streamed.split(' ').length;
		expect(runsWhenFirstItem).toBeLessThan(words);
		// The sandbox sends one word every 40 ms: most of the answer was still to come.
		expect(endedAt - (firstItemAt as number)).toBeGreaterThan((words - 2) * 40 * 0.5);
		phases.push(
			`  first streamed bytes after ${(firstItemAt as number) - started} ms, complete after ${endedAt - started} ms`,
		);
	});
});

it('runs the batch workflow from the command line: every question answered once', async () => {
	await timed('test: batch from the CLI', async () => {
		const before = sandbox.haufe.stats.runs.length;
		const runData = await executeFromCli(
			userFolder,
			workflows['scheduled-batch-questions.json'].id,
		);
		const table = runData.Table[0].data.main[0].map((item) => item.json);
		expect(table).toHaveLength(6);
		table.forEach((row) => {
			expect(row.answer.startsWith(`Answer to: ${row.question}`)).toBe(true);
			expect(row.sources).toMatch(/BGB/);
		});
		const runs = sandbox.haufe.stats.runs.slice(before);
		expect(runs).toHaveLength(6);
		expect(new Set(runs.map((entry) => entry.threadId)).size).toBe(6);
	});
});

// Before the trigger test, which waits for n8n's next poll anyway.
editorTests(() => ({
	baseUrl: n8n.baseUrl,
	sandbox,
	artifacts: ARTIFACTS,
	workflows,
	credentials,
	api,
	timed,
}));
conversationTests(() => ({
	baseUrl: n8n.baseUrl,
	sandbox,
	artifacts: ARTIFACTS,
	workflows,
	table: conversationsTable,
	api,
	timed,
	phases,
}));
agentToolTests(() => ({
	baseUrl: n8n.baseUrl,
	sandbox,
	credentials,
	api,
	timed,
	phases,
	logTail,
}));

it("the published trigger workflow produces executions with the run's events, none twice", async () => {
	await timed('test: trigger executions (waits for the next poll, up to a minute)', async () => {
		const workflowId = workflows['griptape-run-events-trigger.json'].id;
		const seen = await awaitTriggerEvents(api, workflowId, sandbox, triggerRunId, N8N_VERSION);
		expect(seen.executions).toBeGreaterThanOrEqual(2);
		expect(seen.ids).toEqual(seen.expected);
		expect(new Set(seen.ids).size).toBe(seen.ids.length);
		phases.push(`  ${seen.ids.length} events over ${seen.executions} executions`);
	});
}, 240_000);

describe("n8n's node settings in a real n8n: Retry On Fail and the error output", () => {
	let workflowId: string;
	const questions = [
		'Wie lang ist die Probezeit?',
		'Wann beginnt der Mutterschutz?',
		'Was gilt bei Krankheit im Urlaub?',
		'Wie viele Urlaubstage gibt es?',
	];
	type RunData = Record<
		string,
		Array<{ data: { main: Array<Array<{ json: Record<string, unknown>; pairedItem?: unknown }>> } }>
	>;

	beforeAll(async () => {
		let text = fs.readFileSync(
			path.resolve(__dirname, 'workflows/ask-error-settings.json'),
			'utf8',
		);
		const credential = await api.upsertCredential({
			name: 'Haufe Copilot (sandbox)',
			type: 'haufeCopilotApi',
			data: { apiKey: 'sandbox-haufe-key', baseUrl: sandbox.haufe.baseUrl, licenceId: 'E2E' },
		});
		for (const [placeholder, value] of Object.entries({
			HAUFE_CREDENTIAL_ID: credential,
			HAUFE_ASSISTANT_ID: sandbox.haufe.assistantIds.hr,
		})) {
			text = text.split(placeholder).join(value);
		}
		workflowId = (await api.importAndPublish(JSON.parse(text))).id;
		// n8n registers a published webhook a moment after answering: wait until it is there.
		for (let attempt = 0; attempt < 40; attempt++) {
			const probe = await fetch(`${n8n.baseUrl}/webhook/e2e-ask-settings`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ questions: [] }),
			});
			if (probe.status !== 404) break;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	});

	/** Posts the questions to the workflow's webhook and returns the Ask node's outputs from the saved execution. */
	async function ask(list: string[]) {
		const { parse } = require(path.join(N8N_DIR, 'node_modules', 'flatted'));
		const before = ((await api.executions(workflowId)) as unknown[]).length;
		const response = await fetch(`${n8n.baseUrl}/webhook/e2e-ask-settings`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ questions: list }),
		});
		expect(response.status).toBe(200);
		let executions = (await api.executions(workflowId)) as Array<{ id: string }>;
		for (let attempt = 0; executions.length === before && attempt < 40; attempt++) {
			await new Promise((resolve) => setTimeout(resolve, 250));
			executions = (await api.executions(workflowId)) as Array<{ id: string }>;
		}
		const newest = executions.reduce((a, b) => (Number(a.id) > Number(b.id) ? a : b));
		const execution = (await api.execution(newest.id)) as { data: string };
		const runData = (parse(execution.data) as { resultData: { runData: RunData } }).resultData
			.runData;
		const [success, failed] = runData.Ask[0].data.main;
		return { success: success ?? [], failed: failed ?? [] };
	}

	it('Retry On Fail: a 500 on one question is retried, and every question is answered exactly once', async () => {
		await timed('test: Retry On Fail in n8n', async () => {
			const runsBefore = sandbox.haufe.stats.runs.length;
			sandbox.faults.add({ method: 'POST', path: /\/run$/, kind: 'status', status: 500, skip: 1 });
			const { success, failed } = await ask(questions);
			expect(failed).toHaveLength(0);
			expect(success.map((item) => item.json.question)).toEqual(questions);
			success.forEach((item) => expect(String(item.json.answer)).toMatch(/^Answer to: /));
			const runs = sandbox.haufe.stats.runs.slice(runsBefore);
			expect(runs).toHaveLength(questions.length);
			expect(new Set(runs.map((entry) => entry.threadId)).size).toBe(questions.length);
		}).catch((error) => {
			throw new Error(`${(error as Error).message}\n${logTail()}`);
		});
	});

	it('the error output: a question past the limit leaves by the error output with its pairedItem, the others are answered', async () => {
		await timed('test: error output in n8n', async () => {
			const runsBefore = sandbox.haufe.stats.runs.length;
			const tooLong = 'x'.repeat(30_001);
			const { success, failed } = await ask([questions[0], tooLong, questions[1]]);
			expect(success.map((item) => item.json.question)).toEqual([questions[0], questions[1]]);
			expect(failed).toHaveLength(1);
			expect(failed[0].pairedItem).toEqual({ item: 1 });
			// n8n adds the input item's fields to the error item.
			expect(failed[0].json).toMatchObject({
				question: tooLong,
				error: '"Question" is 30001 characters long; the limit is 30000',
			});
			expect(sandbox.haufe.stats.runs.length - runsBefore).toBe(2);
		}).catch((error) => {
			throw new Error(`${(error as Error).message}\n${logTail()}`);
		});
	});
});
