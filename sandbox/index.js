'use strict';

/**
 * Local, stateful stand-in for the assistant APIs this package talks to.
 * Plain CommonJS on Node built-ins only, so tests, the dev command and the
 * benchmarks can start it without a build step or dependencies.
 *
 * The generic part here routes by path prefix to API modules, parses bodies,
 * keeps a request log, injects faults and serves the /__sandbox control
 * endpoints. Each API lives in its own module (haufe.js, griptape.js) with this shape:
 *
 *   create(options, env) -> {
 *     key,                      // 'haufe': exposed as sandbox[key], config key in /__sandbox/config
 *     mounts: [{ prefix, body: 'json'|'raw', maxBodyBytes?, handle(ctx) }],
 *     observe?(ctx),            // sees every request to its mounts, before faults (counters)
 *     errorBody?(status, message), // the API's error shape, used for what the server answers
 *                               // on its mounts (status faults without a body, 413, 500)
 *     close?(),                 // stops the module's own timers when the server closes
 *     publicApi,                // what tests use: baseUrl, state, stats, configure, ...
 *     reset(), configure(partial), statsJson(),
 *   }
 *   env = { url (getter), sleep(ms) }   // sleeps end at close(), so nothing outlives the server
 *
 * ctx (per request) = { req, res, method, path, subpath, query, searchParams,
 *   headers, rawBody, body, bodyError, fault, sandboxUrl }
 */

const http = require('http');
const { EventEmitter } = require('events');
const { createFaultRegistry, applyFault } = require('./faults');
const {
	readBody,
	parseJsonBody,
	queryObject,
	redactHeaders,
	sendJson,
	sendEmpty,
} = require('./http');
const haufe = require('./haufe');
const griptape = require('./griptape');
const openai = require('./openai');
const agentChat = require('./agentchat');

// Adding an API = one line here plus its module file.
const API_MODULES = [
	{ key: 'haufe', create: haufe.createHaufeApi },
	{ key: 'griptape', create: griptape.createGriptapeApi },
	{ key: 'openai', create: openai.createOpenAiApi },
	{ key: 'agentChat', create: agentChat.createAgentChatApi },
];

const HOST = '127.0.0.1';
const CONTROL_PREFIX = '/__sandbox';
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
// Long benchmark runs must not grow the log without bound; the oldest entries go first.
const MAX_LOG_ENTRIES = 20000;
const JSON_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Sleeps that close() can cut short, so no timer keeps the process alive. */
function createSleeper() {
	const pending = new Set();
	return {
		sleep(ms) {
			if (!(Number(ms) > 0)) return Promise.resolve();
			return new Promise((resolve) => {
				const entry = { resolve, timer: setTimeout(() => finish(entry), Number(ms)) };
				pending.add(entry);
			});
		},
		cancelAll() {
			for (const entry of [...pending]) finish(entry);
		},
	};
	function finish(entry) {
		clearTimeout(entry.timer);
		pending.delete(entry);
		entry.resolve();
	}
}

function normalisePath(pathname) {
	return pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
}

function mountMatches(prefix, path) {
	return path === prefix || path.startsWith(`${prefix}/`);
}

/** Error body in the shape of the API behind `mount`; the Haufe-style shape otherwise. */
function errorBodyFor(mount, status, errorCode, detail) {
	const apiModule = mount && mount.module;
	if (apiModule && apiModule.errorBody) return apiModule.errorBody(status, detail);
	return { error_code: errorCode, detail };
}

class Sandbox extends EventEmitter {
	constructor(options) {
		super();
		this.options = options;
		this.url = null;
		this.port = null;
		this.requests = [];
		this.faults = createFaultRegistry();
		this.sleeper = createSleeper();
		this.modules = [];
		this.mounts = [];
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch((error) => this.internalError(req, res, error));
		});
	}

	async listen(port) {
		await new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, HOST, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		this.port = this.server.address().port;
		this.url = `http://${HOST}:${this.port}`;
	}

	loadModules() {
		const sandbox = this;
		const env = {
			get url() {
				return sandbox.url;
			},
			sleep: (ms) => this.sleeper.sleep(ms),
		};
		for (const { key, create } of API_MODULES) {
			const apiModule = create(this.options[key], env);
			this.modules.push(apiModule);
			this[key] = apiModule.publicApi;
			for (const mount of apiModule.mounts) this.mounts.push({ ...mount, module: apiModule });
		}
		this.mounts.push({
			prefix: CONTROL_PREFIX,
			body: 'json',
			handle: (ctx) => this.control(ctx),
			control: true,
		});
	}

	/** Clears state back to the seeds, stats, request log and faults (not the configuration). */
	reset() {
		this.requests.length = 0;
		this.faults.clear();
		for (const apiModule of this.modules) apiModule.reset();
	}

	async close() {
		this.sleeper.cancelAll();
		for (const apiModule of this.modules) if (apiModule.close) apiModule.close();
		const closed = new Promise((resolve) => this.server.close(() => resolve()));
		this.server.closeAllConnections();
		await closed;
	}

	async handle(req, res) {
		const url = new URL(req.url, this.url);
		const path = normalisePath(url.pathname);
		const mount = this.mounts.find((m) => mountMatches(m.prefix, path));
		const { buffer, tooLarge } = await readBody(
			req,
			(mount && mount.maxBodyBytes) || DEFAULT_MAX_BODY_BYTES,
		);
		const ctx = this.createContext(req, res, url, path, mount, buffer);
		this.logRequest(ctx);
		if (mount && mount.module && mount.module.observe) mount.module.observe(ctx);

		let fault = mount && mount.control ? null : this.faults.take(req.method, path);
		// A status fault without a body answers in the shape of the API it stands in front of.
		if (
			fault &&
			fault.kind === 'status' &&
			fault.body === undefined &&
			mount &&
			mount.module &&
			mount.module.errorBody
		) {
			fault = { ...fault, body: mount.module.errorBody(fault.status) };
		}
		const next = () => this.dispatch(ctx, mount, tooLarge);
		if (fault) {
			ctx.logEntry.fault = fault.kind;
			return applyFault(fault, ctx, next, (ms) => this.sleeper.sleep(ms));
		}
		return next();
	}

	createContext(req, res, url, path, mount, buffer) {
		const ctx = {
			req,
			res,
			method: req.method,
			path,
			subpath: mount ? path.slice(mount.prefix.length) || '/' : path,
			query: queryObject(url.searchParams),
			searchParams: url.searchParams,
			headers: req.headers,
			rawBody: buffer,
			body: undefined,
			bodyError: null,
			fault: null,
			sandboxUrl: this.url,
		};
		// Modules decide how to report bad JSON (each API has its own error shape).
		if ((!mount || mount.body !== 'raw') && JSON_METHODS.has(req.method)) {
			const parsed = parseJsonBody(buffer);
			if (parsed.ok) ctx.body = parsed.value;
			else ctx.bodyError = parsed.error;
		}
		return ctx;
	}

	async dispatch(ctx, mount, tooLarge) {
		if (ctx.res.destroyed) return; // e.g. the client gave up during a 'slow' fault
		if (tooLarge) {
			const limit = (mount && mount.maxBodyBytes) || DEFAULT_MAX_BODY_BYTES;
			sendJson(
				ctx,
				413,
				errorBodyFor(mount, 413, 'payload_too_large', `Request body exceeds ${limit} bytes`),
			);
			return;
		}
		if (!mount) {
			sendJson(ctx, 404, {
				error_code: 'not_found',
				detail: `No route for ${ctx.method} ${ctx.path}`,
			});
			return;
		}
		await mount.handle(ctx);
	}

	/** Log entry without secrets; status is filled in when the response ends (null: no response). */
	logRequest(ctx) {
		const entry = {
			method: ctx.method,
			path: ctx.path,
			query: ctx.query,
			headers: redactHeaders(ctx.headers),
			status: null,
			at: Date.now(),
		};
		ctx.logEntry = entry;
		this.requests.push(entry);
		if (this.requests.length > MAX_LOG_ENTRIES)
			this.requests.splice(0, this.requests.length - MAX_LOG_ENTRIES);
		ctx.res.on('finish', () => {
			entry.status = ctx.res.statusCode;
		});
		ctx.res.on('close', () => {
			if (!ctx.res.writableFinished) {
				entry.status = ctx.res.headersSent ? ctx.res.statusCode : null;
				entry.aborted = true;
			}
			entry.durationMs = Date.now() - entry.at;
			this.emit('request', entry);
		});
	}

	internalError(req, res, error) {
		this.emit('handlerError', error);
		if (!res.headersSent && !res.destroyed) {
			const path = normalisePath(new URL(req.url, this.url).pathname);
			const mount = this.mounts.find((m) => mountMatches(m.prefix, path));
			const body = errorBodyFor(
				mount,
				500,
				'internal_server_error',
				`Sandbox error: ${error.message}`,
			);
			res.writeHead(500, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(body));
		} else {
			res.destroy();
		}
	}

	// -------------------------------------------------------------------------
	// Control endpoints (no auth: the server only listens on 127.0.0.1)
	// -------------------------------------------------------------------------

	control(ctx) {
		if (ctx.bodyError)
			return sendJson(ctx, 400, { error_code: 'bad_request', detail: 'Invalid JSON body' });
		const route = `${ctx.method} ${ctx.subpath}`;
		if (route === 'POST /reset') {
			this.reset();
			return sendEmpty(ctx, 204);
		}
		if (route === 'POST /faults') return this.controlAddFault(ctx);
		if (route === 'DELETE /faults') {
			this.faults.clear();
			return sendEmpty(ctx, 204);
		}
		if (route === 'GET /faults') return sendJson(ctx, 200, this.faults.list());
		if (route === 'GET /requests') return sendJson(ctx, 200, this.requests);
		if (route === 'POST /config') return this.controlConfigure(ctx);
		// GET /stats = the Haufe stats (the default module); GET /stats/<key> for any module.
		const statsMatch = /^\/stats(?:\/(\w+))?$/.exec(ctx.subpath);
		if (ctx.method === 'GET' && statsMatch) return this.controlStats(ctx, statsMatch[1] || 'haufe');
		return sendJson(ctx, 404, { error_code: 'not_found', detail: `No control route ${route}` });
	}

	controlAddFault(ctx) {
		try {
			const id = this.faults.add(ctx.body || {});
			return sendJson(ctx, 201, { id });
		} catch (error) {
			return sendJson(ctx, 400, { error_code: 'bad_request', detail: error.message });
		}
	}

	controlConfigure(ctx) {
		const body = ctx.body || {};
		const unknown = Object.keys(body).filter((key) => !this.modules.some((m) => m.key === key));
		if (unknown.length > 0) {
			return sendJson(ctx, 400, {
				error_code: 'bad_request',
				detail: `Unknown API: ${unknown.join(', ')}`,
			});
		}
		const result = {};
		for (const apiModule of this.modules) {
			if (body[apiModule.key]) apiModule.configure(body[apiModule.key]);
			result[apiModule.key] = redactOptions(apiModule.publicApi.options);
		}
		return sendJson(ctx, 200, result);
	}

	controlStats(ctx, key) {
		const apiModule = this.modules.find((m) => m.key === key);
		if (!apiModule)
			return sendJson(ctx, 404, { error_code: 'not_found', detail: `Unknown API: ${key}` });
		return sendJson(ctx, 200, apiModule.statsJson());
	}
}

/** Options as returned over HTTP: API keys never leave the process. */
function redactOptions(options) {
	const copy = { ...options };
	if (Array.isArray(copy.apiKeys)) copy.apiKeys = copy.apiKeys.map(() => '***');
	return copy;
}

/**
 * Starts the sandbox on 127.0.0.1. options: { port (0 = random free port),
 * haufe: {...} (see haufe.js DEFAULT_OPTIONS), griptape: {...} (griptape.js) }.
 */
async function startSandbox(options = {}) {
	const sandbox = new Sandbox(options);
	sandbox.loadModules(); // base URLs are getters, filled in once listening
	await sandbox.listen(options.port === undefined ? 0 : options.port);
	return sandbox;
}

module.exports = {
	startSandbox,
	HAUFE_PREFIX: haufe.HAUFE_PREFIX,
	HAUFE_ASSISTANT_IDS: haufe.HAUFE_ASSISTANT_IDS,
	HAUFE_ANSWER_TYPE_ID: haufe.HAUFE_ANSWER_TYPE_ID,
	GRIPTAPE_PREFIX: griptape.GRIPTAPE_PREFIX,
	GRIPTAPE_IDS: griptape.GRIPTAPE_IDS,
	OPENAI_PREFIX: openai.OPENAI_PREFIX,
	OPENAI_IDS: openai.OPENAI_IDS,
	AGENT_CHAT_PREFIX: agentChat.AGENT_CHAT_PREFIX,
	AGENT_CHAT_IDS: agentChat.AGENT_CHAT_IDS,
};
