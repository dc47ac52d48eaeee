/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The compatibility run: the built package in the older n8n releases people still run
 * (COMPAT_VERSIONS in scripts/lib/n8n-install.js, or those named in N8N_COMPAT_VERSIONS; each
 * installed once into .cache/, one n8n start per release), with the
 * examples that exercise what differs between releases: the webhook answer, the streamed
 * webhook, the batch run from the CLI, Agent Chat's session and the polling trigger. The
 * pinned release is covered by the end-to-end suite. n8n's logs are kept in test-results/compat/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import { listedTypes, PACKAGE_CREDENTIAL_TYPES, PACKAGE_NODE_TYPES } from '../helpers/listed-types';
import { awaitTriggerEvents, executeFromCli, readStreamedResponse } from '../helpers/n8n-runs';

const { startN8n, N8nApi, loadExample, freePort } = require('../../scripts/lib/n8n');
const { ensureInstalled, compatVersions, CACHE, ROOT } = require('../../scripts/lib/n8n-install');

const ARTIFACTS = path.join(ROOT, 'test-results', 'compat');
const EXAMPLES = [
	'webhook-answer.json',
	'webhook-streamed-answer.json',
	'scheduled-batch-questions.json',
	'griptape-run-events-trigger.json',
	'agent-chat-webhook.json',
];
const times: string[] = [];

// Each release's log is replaced, not the folder: CI runs the releases in more than one run.
beforeAll(() => fs.mkdirSync(ARTIFACTS, { recursive: true }));
afterAll(() => console.log(['', 'Compatibility run', ...times].join('\n')));

describe.each(compatVersions() as string[])('n8n %s', (version) => {
	let sandbox: Sandbox;
	let n8n: { baseUrl: string; stop(): Promise<void> };
	let api: InstanceType<typeof N8nApi>;
	let userFolder: string;
	let logFile: string;
	let triggerRunId: string;
	const workflows: Record<string, { id: string }> = {};
	const logTail = () =>
		fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-3000) : '';
	// A node's error is not in n8n's log, and a failed workflow may answer its webhook with an
	// empty 200: the newest execution says what failed.
	const lastError = async (file: string) => {
		const [newest] = (await api.executions(workflows[file].id)) as Array<{ id: string }>;
		if (!newest) return 'no execution';
		const { parse } = require(path.join(CACHE, `n8n-${version}`, 'node_modules', 'flatted'));
		const execution = (await api.execution(newest.id)) as { data: string };
		const { error } = parse(execution.data).resultData as {
			error?: { message: string; description?: string; node?: { name: string } };
		};
		return error
			? `execution ${newest.id}: "${error.node?.name}" failed: ${error.message} (${error.description ?? 'no description'})`
			: `execution ${newest.id}: no error`;
	};
	const post = async (route: string, body: object) =>
		await fetch(`${n8n.baseUrl}/webhook/${route}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});

	beforeAll(async () => {
		const started = Date.now();
		await ensureInstalled(version);
		times.push(
			`n8n ${version}: install ${Math.round((Date.now() - started) / 1000)} s (0 when cached)`,
		);
		sandbox = await startSandbox({
			port: 0,
			haufe: { rateLimits: null, streamChunkDelayMs: 40 },
			griptape: { runStepMs: 500, tokenDelayMs: 150 },
		});
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-compat-${version}-`));
		logFile = path.join(ARTIFACTS, `n8n-${version}.log`);
		fs.rmSync(logFile, { force: true });
		const startAt = Date.now();
		n8n = await startN8n({ userFolder, port: await freePort(), logFile, version });
		times.push(`n8n ${version}: start-up ${Math.round((Date.now() - startAt) / 1000)} s`);
		api = new N8nApi(n8n.baseUrl);
		await api.signIn();
		const credential = async (name: string, type: string, data: object) =>
			await api.upsertCredential({ name, type, data });
		triggerRunId = String(
			sandbox.griptape.createRun(sandbox.griptape.ids.assistants[0], {
				input: 'events for the trigger',
			}).assistant_run_id,
		);
		const replacements = {
			HAUFE_CREDENTIAL_ID: await credential('Haufe Copilot (sandbox)', 'haufeCopilotApi', {
				apiKey: 'sandbox-haufe-key',
				baseUrl: sandbox.haufe.baseUrl,
				licenceId: 'COMPAT',
			}),
			GRIPTAPE_CREDENTIAL_ID: await credential('Griptape Cloud (sandbox)', 'griptapeCloudApi', {
				apiKey: 'sandbox-griptape-key',
				baseUrl: sandbox.griptape.baseUrl,
			}),
			AGENT_CHAT_CREDENTIAL_ID: await credential('Agent Chat (sandbox)', 'agentChatApi', {
				siteUrl: sandbox.agentChat.siteUrl,
				authMethod: 'password',
				email: 'user@example.com',
				password: 'correct-horse-battery',
			}),
			GRIPTAPE_ASSISTANT_ID: sandbox.griptape.ids.assistants[0],
			GRIPTAPE_RUN_ID: triggerRunId,
		};
		for (const file of EXAMPLES)
			workflows[file] = await api.importAndPublish(loadExample(file, replacements));
	}, 900_000);

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
		if (userFolder) fs.rmSync(userFolder, { recursive: true, force: true });
	});

	it("loads the package's nodes and credentials", async () => {
		const { nodes, credentials } = await listedTypes(api);
		expect(nodes).toEqual(expect.arrayContaining(PACKAGE_NODE_TYPES));
		expect(credentials).toEqual(expect.arrayContaining(PACKAGE_CREDENTIAL_TYPES));
	});

	it('answers through the webhook example', async () => {
		const response = await post('haufe-ask', { question: 'Wie lang ist die Probezeit?' });
		const body = (await response.json().catch(() => ({}))) as { answer?: string };
		if (response.status !== 200 || !body.answer)
			throw new Error(
				`HTTP ${response.status}\n${await lastError('webhook-answer.json')}\n${logTail()}`,
			);
		expect(body.answer).toMatch(/^Answer to: Wie lang ist die Probezeit\?/);
	});

	it('streams through the streamed webhook example: the first bytes before the end', async () => {
		const started = Date.now();
		const response = await post('haufe-ask-stream', {
			question: 'Was gilt bei Krankheit im Urlaub?',
		});
		expect(response.status).toBe(200);
		const { items, firstItemAt, endedAt } = await readStreamedResponse(response);
		expect(items.length).toBeGreaterThan(3);
		expect(items.at(-1)).toMatch(/Powered by Haufe$/);
		expect(endedAt - (firstItemAt as number)).toBeGreaterThan(500);
		times.push(
			`n8n ${version}: first streamed bytes after ${(firstItemAt as number) - started} ms, all after ${endedAt - started} ms`,
		);
	});

	it("renews Agent Chat's expired session (n8n before 2.40 leaves the app's 403 to the node)", async () => {
		const first = (await (await post('agent-chat', { message: 'Hallo Agent' })).json()) as {
			answer?: string;
		};
		expect(first.answer).toMatch(/answers: Hallo Agent/);
		const logins = sandbox.agentChat.stats.logins;
		sandbox.agentChat.expireSessions();
		const again = await post('agent-chat', { message: 'Noch einmal' });
		const body = (await again.json().catch(() => ({}))) as { answer?: string };
		if (!body.answer)
			throw new Error(
				`HTTP ${again.status} ${JSON.stringify(body)}\n${await lastError('agent-chat-webhook.json')}`,
			);
		expect(body.answer).toMatch(/answers: Noch einmal/);
		expect(sandbox.agentChat.stats.logins).toBe(logins + 1);
	});

	it('runs the batch example from the command line', async () => {
		const before = sandbox.haufe.stats.runs.length;
		const runData = await executeFromCli(
			userFolder,
			workflows['scheduled-batch-questions.json'].id,
			version,
		);
		const table = runData.Table[0].data.main[0].map((item) => item.json);
		expect(table).toHaveLength(6);
		for (const row of table) expect(row.answer.startsWith(`Answer to: ${row.question}`)).toBe(true);
		expect(sandbox.haufe.stats.runs.length - before).toBe(6);
	});

	it("polls with the trigger example: the run's events in executions, none twice", async () => {
		const seen = await awaitTriggerEvents(
			api,
			workflows['griptape-run-events-trigger.json'].id,
			sandbox,
			triggerRunId,
			version,
		);
		if (!seen.ids.length) throw new Error(`no trigger executions\n${logTail()}`);
		expect(seen.ids).toEqual(seen.expected);
		expect(new Set(seen.ids).size).toBe(seen.ids.length);
		times.push(
			`n8n ${version}: ${seen.ids.length} trigger events over ${seen.executions} executions`,
		);
	}, 240_000);
});
