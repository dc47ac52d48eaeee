#!/usr/bin/env node
// `npm run dev`: build, start the sandbox, start a real n8n (installed once into .cache/) with
// this package loaded, point credentials at the sandbox, import and publish the example
// workflows, and print where to log in. Ctrl-C stops everything.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { startSandbox } = require('../sandbox');
const { ROOT, CACHE } = require('./lib/n8n-install');
const { startN8n, N8nApi, loadExample, CONVERSATIONS_TABLE, chatUrl } = require('./lib/n8n');

const N8N_PORT = Number(process.env.N8N_DEV_PORT ?? 5678);
const SANDBOX_PORT = Number(process.env.SANDBOX_PORT ?? 4010);
// N8N_DEV_FOLDER: another n8n user folder (a throwaway one, say) instead of the one in .cache/.
const USER_FOLDER = process.env.N8N_DEV_FOLDER ?? path.join(CACHE, 'n8n-dev');
const say = (message) => console.log(`[dev] ${message}`);

/** The example workflows, with the IDs of this instance filled in. */
async function importExamples(api, sandbox, credentials) {
	// The trigger example follows the events of one run: start one that takes a while.
	const run = sandbox.griptape.createRun(sandbox.griptape.ids.assistants[0], {
		input: 'An example run whose events the trigger workflow picks up',
	});
	const replacements = {
		HAUFE_CREDENTIAL_ID: credentials.haufe,
		GRIPTAPE_CREDENTIAL_ID: credentials.griptape,
		GRIPTAPE_ASSISTANT_ID: sandbox.griptape.ids.assistants[0],
		GRIPTAPE_RUN_ID: run.assistant_run_id,
		AGENT_CHAT_CREDENTIAL_ID: credentials.agentChat,
		OPENAI_THREADS_CREDENTIAL_ID: credentials.openAiThreads,
		OPENAI_ASSISTANT_ID: sandbox.openai.ids.assistant,
	};
	// The chat examples of Haufe Copilot and OpenAI-compatible Threads keep the session's thread here.
	await api.ensureDataTable(CONVERSATIONS_TABLE.name, CONVERSATIONS_TABLE.columns);
	const imported = [];
	const chats = [];
	for (const file of fs
		.readdirSync(path.join(ROOT, 'examples'))
		.filter((name) => name.endsWith('.json'))
		.sort()) {
		const example = loadExample(file, replacements);
		const workflow = await api.importAndPublish(example);
		imported.push(`${workflow.name} (${file})`);
		const url = chatUrl(api.baseUrl, example);
		if (url) chats.push(`${workflow.name}: ${url}`);
	}
	return { imported, chats };
}

async function main() {
	const started = Date.now();
	say('building the package');
	execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });

	const sandbox = await startSandbox({
		port: SANDBOX_PORT,
		// Slow enough to watch answers and events arrive in the editor.
		haufe: { streamChunkDelayMs: 60 },
		griptape: { runStepMs: 1000, tokenDelayMs: 400 },
	});
	say(`sandbox at ${sandbox.url}`);

	fs.mkdirSync(USER_FOLDER, { recursive: true });
	const n8n = await startN8n({
		userFolder: USER_FOLDER,
		port: N8N_PORT,
		logFile: path.join(USER_FOLDER, 'n8n.log'),
	});
	say(
		`n8n ready in ${Math.round(n8n.startupMs / 1000)} s (log: ${path.relative(ROOT, path.join(USER_FOLDER, 'n8n.log'))})`,
	);

	let stopping = false;
	const stop = async (code) => {
		if (stopping) return;
		stopping = true;
		say('stopping n8n and the sandbox');
		await n8n.stop();
		await sandbox.close();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));
	n8n.process.on('exit', () => void stop(1));

	try {
		const api = new N8nApi(n8n.baseUrl);
		const owner = await api.signIn();
		const credentials = {
			haufe: await api.upsertCredential({
				name: 'Haufe Copilot (sandbox)',
				type: 'haufeCopilotApi',
				data: {
					apiKey: 'sandbox-haufe-key',
					baseUrl: sandbox.haufe.baseUrl,
					licenceId: 'SANDBOX-LICENCE',
				},
			}),
			griptape: await api.upsertCredential({
				name: 'Griptape Cloud (sandbox)',
				type: 'griptapeCloudApi',
				data: { apiKey: 'sandbox-griptape-key', baseUrl: sandbox.griptape.baseUrl },
			}),
		};
		credentials.agentChat = await api.upsertCredential({
			name: 'Agent Chat (sandbox)',
			type: 'agentChatApi',
			data: {
				siteUrl: sandbox.agentChat.siteUrl,
				authMethod: 'password',
				email: 'user@example.com',
				password: 'correct-horse-battery',
			},
		});
		credentials.openAiThreads = await api.upsertCredential({
			name: 'OpenAI-compatible Threads (sandbox)',
			type: 'openAiThreadsApi',
			data: { baseUrl: sandbox.openai.baseUrl, apiKey: 'sandbox-openai-key' },
		});
		const { imported, chats } = await importExamples(api, sandbox, credentials);

		console.log(
			[
				'',
				`n8n is running at ${n8n.baseUrl}  (ready after ${Math.round((Date.now() - started) / 1000)} s)`,
				`log in as ${owner.email} / ${owner.password}`,
				'',
				'Credentials for all four systems point at the sandbox.',
				'Published example workflows:',
				...imported.map((name) => `  - ${name}`),
				'',
				'Chat pages (one thread per chat session; open one in two browsers for two sessions):',
				...chats.map((line) => `  - ${line}`),
				'',
				`MCP server (the four assistants as tools): ${n8n.baseUrl}/mcp/assistant-threads`,
				'',
				'Try:',
				`  curl -s -X POST ${n8n.baseUrl}/webhook/haufe-ask -H 'content-type: application/json' -d '{"question":"Wie lang ist die Probezeit?"}'`,
				`  curl -N -X POST ${n8n.baseUrl}/webhook/haufe-ask-stream -H 'content-type: application/json' -d '{"question":"Wie lang ist die Probezeit?"}'`,
				`  curl -s -X POST ${n8n.baseUrl}/webhook/griptape-run -H 'content-type: application/json' -d '{"input":"Hallo"}'`,
				`  curl -s -X POST ${n8n.baseUrl}/webhook/agent-chat -H 'content-type: application/json' -d '{"message":"Hallo"}'`,
				`  curl -s -X POST ${n8n.baseUrl}/webhook/threads-run -H 'content-type: application/json' -d '{"message":"Hallo"}'`,
				'',
				'Ctrl-C stops n8n and the sandbox.',
			].join('\n'),
		);
	} catch (error) {
		console.error(error);
		await stop(1);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
