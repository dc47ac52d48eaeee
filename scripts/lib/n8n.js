// Starts a real n8n with this package loaded, and talks to its REST API: owner, credentials,
// workflows, publishing. Shared by `npm run dev` and the end-to-end tests.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { ensureInstalled, ROOT } = require('./n8n-install');

const OWNER = {
	email: 'owner@example.com',
	firstName: 'Dev',
	lastName: 'Owner',
	password: 'Sandbox-Passw0rd',
};

/** A free TCP port on the loopback interface. */
async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * n8n loads community packages from <user folder>/.n8n/nodes/node_modules/n8n-nodes-*, with
 * their full type names (n8n-nodes-assistant-threads.haufeCopilot), as after an install from
 * the UI. The package is copied, not linked: from a link, `n8n-workflow` would resolve to this
 * repository's development copy instead of n8n's own.
 */
function installPackageInto(userFolder) {
	const target = path.join(
		userFolder,
		'.n8n',
		'nodes',
		'node_modules',
		'n8n-nodes-assistant-threads',
	);
	if (!fs.existsSync(path.join(ROOT, 'dist')))
		throw new Error('dist/ is missing: run `npm run build` first');
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(target, 'package.json'));
	fs.cpSync(path.join(ROOT, 'dist'), path.join(target, 'dist'), { recursive: true });
	return target;
}

/**
 * Starts n8n and resolves once it answers its readiness check. Everything it prints goes to
 * `logFile` (and to the console when `echo` is set).
 *
 * `command: 'worker'` starts a queue-mode worker (`n8n worker`, with `args` such as
 * `--concurrency=2`) instead of the main process: `port` is then its own server's (health
 * checks only, QUEUE_HEALTH_CHECK_PORT), which it is ready on. Queue mode itself (database,
 * Redis, encryption key) comes in `env`; see scripts/lib/queue.js.
 *
 * The built package is copied into the user folder's community-nodes folder first, unless
 * `installPackage` is false (the install test puts it there with npm, as a user does).
 */
async function startN8n({
	userFolder,
	port,
	logFile,
	echo = false,
	env = {},
	version,
	command = 'start',
	args = [],
	installPackage = true,
}) {
	const { node, n8n } = await ensureInstalled(version);
	if (installPackage) installPackageInto(userFolder);
	const brokerPort = await freePort();
	const worker = command === 'worker';
	const child = spawn(node, [n8n, command, ...args], {
		cwd: userFolder,
		env: {
			...process.env,
			// Under Jest NODE_ENV is "test", in which n8n refuses to load nodes.
			NODE_ENV: 'production',
			N8N_USER_FOLDER: userFolder,
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info',
			DB_SQLITE_POOL_SIZE: '2',
			...(worker
				? {
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(port),
						N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					}
				: {}),
			...env,
		},
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: false,
	});
	const log = fs.createWriteStream(logFile, { flags: 'a' });
	const forward = (chunk) => {
		log.write(chunk);
		if (echo) process.stdout.write(chunk);
	};
	child.stdout.on('data', forward);
	child.stderr.on('data', forward);
	const exited = new Promise((resolve) =>
		child.on('exit', (code, signal) => log.end(() => resolve({ code, signal }))),
	);

	const baseUrl = `http://127.0.0.1:${port}`;
	const started = Date.now();
	let ready = false;
	let early;
	exited.then((result) => (early = result));
	while (!ready) {
		if (early) {
			throw new Error(`n8n exited before it was ready (${JSON.stringify(early)}); see ${logFile}`);
		}
		if (Date.now() - started > 240_000) {
			child.kill('SIGKILL');
			throw new Error(`n8n was not ready after 240 s; see ${logFile}`);
		}
		// n8n 1.x answers its readiness check before its REST API is mounted: wait for both. A
		// worker has no REST API; its readiness check covers database, Redis and the queue.
		const checks = worker
			? [`${baseUrl}/healthz/readiness`]
			: [`${baseUrl}/healthz/readiness`, `${baseUrl}/rest/settings`];
		ready = await Promise.all(checks.map((url) => fetch(url)))
			.then((responses) => responses.every((response) => response.ok))
			.catch(() => false);
		if (!ready) await new Promise((resolve) => setTimeout(resolve, 250));
	}

	return {
		baseUrl,
		startupMs: Date.now() - started,
		process: child,
		logFile,
		/** Resolves with `{code, signal}` when the process has ended. */
		exited,
		async stop() {
			if (early) return;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
			await exited;
			clearTimeout(timer);
		},
		/** Sends `signal` (SIGKILL unless told) and resolves once the process has ended. */
		async kill(signal = 'SIGKILL') {
			if (early) return early;
			child.kill(signal);
			return await exited;
		},
	};
}

/** The editor's REST API, logged in as the owner (set up on first use). */
class N8nApi {
	constructor(baseUrl) {
		this.baseUrl = baseUrl;
		this.cookie = '';
		// The auth cookie is bound to the browser ID it was issued to.
		this.browserId = 'b7e1c2d3-0000-4000-8000-00000000d000';
	}

	/** A GET outside /rest that needs the login too (e.g. /types/nodes.json). */
	async getJson(pathname) {
		const response = await fetch(`${this.baseUrl}${pathname}`, {
			headers: { 'browser-id': this.browserId, cookie: this.cookie },
		});
		if (!response.ok) throw new Error(`GET ${pathname} answered ${response.status}`);
		return await response.json();
	}

	async request(method, route, body) {
		const response = await fetch(`${this.baseUrl}/rest${route}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.get('set-cookie');
		if (setCookie) this.cookie = setCookie.split(';')[0];
		const text = await response.text();
		let parsed;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			parsed = text;
		}
		if (!response.ok) {
			const error = new Error(
				`${method} /rest${route} answered ${response.status}: ${text.slice(0, 500)}`,
			);
			error.status = response.status;
			throw error;
		}
		return parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
	}

	/** Sets the owner up on a new instance, or logs in on one that has it. */
	async signIn() {
		try {
			await this.request('POST', '/owner/setup', OWNER);
		} catch (error) {
			if (error.status !== 400 && error.status !== 403) throw error;
			await this.request('POST', '/login', {
				emailOrLdapLoginId: OWNER.email,
				password: OWNER.password,
			});
		}
		return OWNER;
	}

	/** Creates the credential, or updates the one of that name and type. */
	async upsertCredential({ name, type, data }) {
		const existing = (await this.request('GET', '/credentials')).find(
			(entry) => entry.name === name && entry.type === type,
		);
		if (existing) {
			await this.request('PATCH', `/credentials/${existing.id}`, { name, type, data });
			return existing.id;
		}
		return (await this.request('POST', '/credentials', { name, type, data })).id;
	}

	/** Runs the credential type's test, as the editor's "Test" button does: `{status, message}`. */
	async testCredential({ name, type, data }) {
		const id = await this.upsertCredential({ name, type, data });
		return await this.request('POST', '/credentials/test', {
			credentials: { id, name, type, data },
		});
	}

	/**
	 * Imports a workflow and publishes it. One of the same name is updated in place (a new
	 * version, published again), so a second start neither duplicates nor has to wait for an
	 * unpublish to finish.
	 */
	async importAndPublish(workflow, { publish = true } = {}) {
		const body = {
			name: workflow.name,
			nodes: workflow.nodes,
			connections: workflow.connections,
			settings: workflow.settings ?? {},
		};
		const existing = (await this.request('GET', '/workflows')).find(
			(entry) => entry.name === workflow.name,
		);
		let saved;
		if (existing) {
			if (existing.isArchived)
				await this.request('POST', `/workflows/${existing.id}/unarchive`, {});
			saved = await this.retryOnConflict(() =>
				this.request('PATCH', `/workflows/${existing.id}`, body),
			);
		} else {
			// n8n 1.x requires `active` in a new workflow (its column has no default there).
			saved = await this.request('POST', '/workflows', body).catch(async (error) => {
				if (error.status !== 500 || !/workflow_entity\.active/.test(error.message)) throw error;
				return await this.request('POST', '/workflows', { ...body, active: false });
			});
		}
		if (publish) await this.publish(saved);
		return saved;
	}

	/**
	 * n8n 2.x publishes a workflow's version with POST /workflows/:id/activate. n8n 1.x has no
	 * such route (404): there a workflow is activated by saving it with `active: true`.
	 */
	async publish(saved) {
		try {
			await this.retryOnConflict(() =>
				this.request('POST', `/workflows/${saved.id}/activate`, { versionId: saved.versionId }),
			);
		} catch (error) {
			if (error.status !== 404) throw error;
			await this.retryOnConflict(() =>
				this.request('PATCH', `/workflows/${saved.id}`, {
					active: true,
					versionId: saved.versionId,
				}),
			);
		}
	}

	async retryOnConflict(call, attempts = 40) {
		for (let attempt = 1; ; attempt++) {
			try {
				return await call();
			} catch (error) {
				if (error.status !== 409 || attempt >= attempts) throw error;
				await new Promise((resolve) => setTimeout(resolve, 250));
			}
		}
	}

	/**
	 * The Data Table the chat examples keep their conversation-to-thread mapping in, created in
	 * the owner's personal project when missing: `{id, projectId}`.
	 */
	async ensureDataTable(name, columns) {
		const project = await this.request('GET', '/projects/personal');
		const listed = await this.request(
			'GET',
			`/projects/${project.id}/data-tables?filter=${encodeURIComponent(JSON.stringify({ name }))}`,
		);
		const existing = (listed.data ?? listed).find((table) => table.name === name);
		if (existing) return { id: existing.id, projectId: project.id };
		const created = await this.request('POST', `/projects/${project.id}/data-tables`, {
			name,
			columns,
		});
		return { id: created.id, projectId: project.id };
	}

	/** The rows of a Data Table, oldest first. */
	async dataTableRows({ id, projectId }) {
		const result = await this.request(
			'GET',
			`/projects/${projectId}/data-tables/${id}/rows?take=1000&skip=0&sortBy=${encodeURIComponent('id:asc')}`,
		);
		return result.data ?? result;
	}

	async executions(workflowId) {
		const result = await this.request(
			'GET',
			`/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=100`,
		);
		return result.results ?? result;
	}

	async execution(id) {
		return await this.request('GET', `/executions/${id}`);
	}
}

/** The Data Table of the chat examples (Haufe Copilot and OpenAI-compatible Threads keep their threads there). */
const CONVERSATIONS_TABLE = {
	name: 'assistant_conversations',
	columns: [
		{ name: 'conversation_key', type: 'string' },
		{ name: 'system', type: 'string' },
		{ name: 'thread_id', type: 'string' },
	],
};

/** The hosted chat page of a chat example (its Chat Trigger's webhook ID). */
function chatUrl(baseUrl, workflow) {
	const trigger = workflow.nodes.find(
		(node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger',
	);
	return trigger ? `${baseUrl}/webhook/${trigger.webhookId}/chat` : undefined;
}

/** Reads an example workflow and fills in the IDs of this instance. */
function loadExample(file, replacements) {
	let text = fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8');
	for (const [placeholder, value] of Object.entries(replacements))
		text = text.split(placeholder).join(value);
	return JSON.parse(text);
}

module.exports = {
	startN8n,
	N8nApi,
	freePort,
	loadExample,
	installPackageInto,
	OWNER,
	CONVERSATIONS_TABLE,
	chatUrl,
};
