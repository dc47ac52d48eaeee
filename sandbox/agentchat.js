'use strict';

/**
 * Sandbox module for the agent chat app of the Grit One SDK (a Django app), rebuilt from the
 * app's own source: gritholdings/grit-one-sdk-python at a35603e (2026-07-13). Each behaviour
 * names the file it comes from; sandbox/README.md lists them, and where the seed page says
 * otherwise, the app's source wins. Only the language model is a stub (a fixed reply).
 *
 * Layout (grit/core/urls.py): the site is mounted at /agentchat (its "root"); login and the
 * other auth pages are at <site>/auth/..., the agent API (grit/agent/urls.py) at
 * <site><apiPath>/api/..., apiPath "/agent" by default as the SDK's own frontend calls it.
 * Django resolves exact paths: /auth/login/ and /api/threads/ end in a slash, the other API
 * paths do not; CommonMiddleware's APPEND_SLASH redirects a GET that lacks the slash.
 *
 * Stub model triggers (the stand-in for the language model): a message containing
 * "[stream-error]" fails mid-answer. Billing: a user with `unitsRemaining <= 0` gets the
 * app's sentence instead of any answer (or upload).
 */

const crypto = require('crypto');
const { sendJson, sendEmpty, openStream } = require('./http');

const SITE_PREFIX = '/agentchat';

// Fixed ids (UUID v4 shape) so tests can name the agents.
const MODEL_IDS = Object.freeze([
	'9b1f6c3e-0001-4a7d-8c11-00000000a001',
	'9b1f6c3e-0002-4a7d-8c11-00000000a002',
	'9b1f6c3e-0003-4a7d-8c11-00000000a003',
]);
// grit/agent/constants/default_system_prompt.json: default-config names the agent whose
// metadata.model_name is this one.
const DEFAULT_MODEL_NAME = 'claude-sonnet-4-5';
const DEFAULT_SYSTEM_PROMPT =
	'If you do not know the answer to a question, you will answer with "I don\'t know".';
// upload_files picks Agent.objects.all().first(): here the first agent stored.
const IDS = Object.freeze({
	models: MODEL_IDS,
	defaultModel: MODEL_IDS[0],
	firstModel: MODEL_IDS[0],
});

const FIXED_SENTENCE = 'This fixed reply comes from the local agent chat sandbox for tests.';
// grit/agent/openai_agent.py and claude_agent.py, process_chat.
const BILLING_SENTENCE =
	'You have run out of units. Please purchase more units to continue using the service.';
const STREAM_FAILURE = 'Simulated model failure';
const WORDS_BEFORE_ERROR = 3;
const MAX_ECHO_CHARS = 300;
// grit/agent/store.py list_memories: .order_by('-updated_at')[:20]
const THREAD_LIST_MAX = 20;

const TOKEN_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const CSRF_SECRET_LENGTH = 32;
const CSRF_TOKEN_LENGTH = 64;
const CSRF_COOKIE_AGE_S = 31449600;
const SESSION_KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';
// grit/core/settings.py CSRF_TRUSTED_ORIGINS (the ones that apply without a DOMAIN_NAME).
const CSRF_TRUSTED_ORIGINS = ['http://127.0.0.1:3000'];
// A 1×1 PNG: what a stored page image holds here (the app stores each page as a PNG data URL).
const PAGE_PNG =
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const DEFAULT_OPTIONS = Object.freeze({
	users: [
		{ email: 'user@example.com', password: 'correct-horse-battery' },
		// grit/auth/views.py custom_login_view: a user with an active MFA device.
		{ email: 'mfa@example.com', password: 'correct-horse-battery', mfa: true },
		// A Stripe customer whose units are used up (user.stripecustomer.units_remaining).
		{ email: 'nounits@example.com', password: 'correct-horse-battery', unitsRemaining: 0 },
	],
	// Where the deployment mounts grit.agent.urls; '' = the site's root.
	apiPath: '/agent',
	// Django's DEBUG: technical 404/500 pages instead of the production ones.
	debug: false,
	chunkDelayMs: 20,
	// SESSION_COOKIE_AGE: Django's default two weeks.
	sessionTtlMs: 1209600000,
});

// ---------------------------------------------------------------------------
// Errors: what ends a request early
// ---------------------------------------------------------------------------

/** A JSON answer: {detail} from REST framework, {error} (and {success}) from the app's views. */
class JsonAnswer extends Error {
	constructor(status, body) {
		super(body.error || body.detail);
		this.status = status;
		this.body = body;
	}
}

/** An exception no view catches: Django's 500 page (DEBUG: the technical one). */
class ServerError extends Error {
	constructor(type, message) {
		super(message);
		this.type = type;
	}
}

const appError = (status, message) => new JsonAnswer(status, { error: message });
const drfError = (status, detail) => new JsonAnswer(status, { detail });
const NOT_AUTHENTICATED = 'Authentication credentials were not provided.';

/** Django's UUIDField.to_python: a ValidationError whose str() is the list of messages. */
function invalidUuid(value) {
	return new ServerError('ValidationError', `['“${value}” is not a valid UUID.']`);
}

/** uuid.UUID(hex=...) as Django calls it: braces, "urn:uuid:" and dashes are allowed. */
function parseUuid(value) {
	if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
		return formatUuid(value.toString(16).padStart(32, '0'));
	}
	const hex = String(value)
		.replace(/urn:/g, '')
		.replace(/uuid:/g, '')
		.replace(/^\{+|\}+$/g, '')
		.replace(/-/g, '');
	if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw invalidUuid(value);
	return formatUuid(hex.toLowerCase());
}

function formatUuid(hex) {
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function errorBody(status, message) {
	return { error: message || `HTTP ${status}` };
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

function isPlainObject(value) {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function randomString(length, alphabet) {
	let token = '';
	while (token.length < length) {
		for (const byte of crypto.randomBytes(length)) {
			// Rejection sampling keeps the alphabet unbiased.
			if (byte < 256 - (256 % alphabet.length) && token.length < length)
				token += alphabet[byte % alphabet.length];
		}
	}
	return token;
}

function splitWords(text) {
	return text.match(/\S+\s*/g) || [];
}

function escapeHtml(text) {
	return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The stub model's reply: depends only on the agent and the message. */
function composeReply(agent, message) {
	let text = String(message).replace(/\s+/g, ' ').trim();
	if (text.length > MAX_ECHO_CHARS) text = `${text.slice(0, MAX_ECHO_CHARS).trimEnd()}…`;
	if (!/[.?!…]$/.test(text)) text += '.';
	return `Agent ${agent.name} answers: ${text} ${FIXED_SENTENCE}`;
}

function parseCookies(header) {
	const cookies = {};
	for (const part of String(header || '').split(';')) {
		const index = part.indexOf('=');
		if (index < 0) continue;
		const name = part.slice(0, index).trim();
		if (name) cookies[name] = part.slice(index + 1).trim();
	}
	return cookies;
}

function mediaType(ctx) {
	return String(ctx.headers['content-type'] || '')
		.split(';')[0]
		.trim()
		.toLowerCase();
}

function headerParam(header, name) {
	const match = new RegExp(`(?:^|;)\\s*${name}=(?:"([^"]*)"|([^;]*))`, 'i').exec(header || '');
	return match ? (match[1] ?? match[2]).trim() : null;
}

/** multipart/form-data -> [{name, filename, contentType, data}]; a broken body yields the parts found so far. */
function parseMultipart(buffer, contentType) {
	const boundary = headerParam(contentType, 'boundary');
	if (!boundary) return [];
	const delimiter = Buffer.from(`--${boundary}`);
	const parts = [];
	let start = buffer.indexOf(delimiter);
	while (start >= 0) {
		const afterDelimiter = start + delimiter.length;
		if (buffer.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
		const headerEnd = buffer.indexOf('\r\n\r\n', afterDelimiter);
		const next = buffer.indexOf(delimiter, afterDelimiter);
		if (headerEnd < 0 || next < 0 || headerEnd > next) break;
		const headers = {};
		for (const line of buffer.subarray(afterDelimiter, headerEnd).toString('utf8').split('\r\n')) {
			const index = line.indexOf(':');
			if (index > 0)
				headers[line.slice(0, index).trim().toLowerCase()] = line.slice(index + 1).trim();
		}
		const disposition = headers['content-disposition'] || '';
		parts.push({
			name: headerParam(disposition, 'name'),
			filename: headerParam(disposition, 'filename'),
			contentType: headers['content-type'] || 'application/octet-stream',
			data: buffer.subarray(headerEnd + 4, Math.max(headerEnd + 4, next - 2)),
		});
		start = next;
	}
	return parts;
}

// ---------------------------------------------------------------------------
// HTML pages (Django templates and Django's own error pages)
// ---------------------------------------------------------------------------

function sendHtml(ctx, status, html, headers = {}) {
	if (ctx.res.destroyed || ctx.res.writableEnded) return;
	const payload = Buffer.from(html);
	ctx.res.writeHead(status, {
		'Content-Type': 'text/html; charset=utf-8',
		'Content-Length': payload.length,
		...headers,
	});
	if (ctx.fault && ctx.fault.kind === 'cutStream') {
		ctx.res.write(payload.subarray(0, Math.floor(payload.length / 2)), () =>
			ctx.req.socket.destroy(),
		);
		return;
	}
	ctx.res.end(payload);
}

/** home/templates/base_generic.html: the page's title is the template's `title` block (empty if none). */
function page(title, body) {
	return `<!DOCTYPE html>\n<html lang="en" class="h-full">\n<head>\n  <meta charset="UTF-8">\n  <title>${escapeHtml(title)}</title>\n</head>\n<body class="h-full">\n${body}\n</body>\n</html>\n`;
}

/** grit/auth/templates/customauth/login.html: no title block, no error list (a failed login shows the same form). */
function loginPage(formToken) {
	return page(
		'',
		[
			'<h1>Sign in</h1>',
			'<form method="post">',
			`  <input type="hidden" name="csrfmiddlewaretoken" value="${formToken}">`,
			'  <label>Email address <input type="email" name="email" required></label>',
			'  <label>Password <input type="password" name="password" required></label>',
			'  <button type="submit">Sign in</button>',
			'</form>',
		].join('\n'),
	);
}

/** 404: home/templates/404.html in production; DEBUG shows Django's technical page. */
function notFound(api, ctx) {
	if (api.options.debug) {
		const body = `<h1>Page not found <small>(404)</small></h1>\n<p>The current path, <code>${escapeHtml(ctx.rawPath.slice(1))}</code>, didn’t match any of these.</p>`;
		return sendHtml(ctx, 404, page(`Page not found at ${ctx.rawPath}`, body));
	}
	const body =
		"<h1>404</h1>\n<p>We're sorry!</p>\n<p>This URL does not exist or is no longer available.</p>";
	return sendHtml(ctx, 404, page('404 Not Found', body));
}

/** 500: Django's default server_error page (no 500.html in the SDK); DEBUG: the technical page. */
function serverError(api, ctx, error) {
	if (api.options.debug) {
		const body = `<h1>${escapeHtml(error.type)} at ${escapeHtml(ctx.rawPath)}</h1>\n<pre class="exception_value">${escapeHtml(error.message)}</pre>`;
		return sendHtml(ctx, 500, page(`${error.type} at ${ctx.rawPath}`, body));
	}
	return sendHtml(
		ctx,
		500,
		'<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n',
	);
}

// ---------------------------------------------------------------------------
// Seed data
// ---------------------------------------------------------------------------

function seedAgents() {
	const agent = (id, name, modelName, description, suggested) => ({
		id,
		name,
		// AgentConfig.record_usage_for_payment defaults to True (grit/agent/dataclasses.py).
		recordUsageForPayment: true,
		metadata: {
			model_name: modelName,
			description,
			suggested_messages: suggested,
			overview_html: `<p>The <strong>${name}</strong>. ${description}</p>`,
		},
	});
	return [
		agent(MODEL_IDS[0], 'General Assistant', DEFAULT_MODEL_NAME, 'Answers everyday questions.', [
			'What can you do?',
			'Summarise a text for me.',
		]),
		agent(MODEL_IDS[1], 'Research Agent', 'gpt-4.1', 'Digs into a topic and reports back.', [
			'Research the history of HTTP cookies.',
		]),
		agent(MODEL_IDS[2], 'Support Agent', 'gpt-4.1-mini', 'Helps with product support questions.', [
			'How do I reset my password?',
		]),
	];
}

// ---------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------

function createAgentChatApi(userOptions, env) {
	const options = mergeOptions(structuredClone(DEFAULT_OPTIONS), userOptions || {});
	const state = {
		/** session key -> {data, expiresAt} (django.contrib.sessions, database backend) */
		sessions: new Map(),
		/** `${userId} ${threadId}` -> ConversationMemory (grit/agent/models.py) */
		memories: new Map(),
		/** id -> Agent, in the order they were stored */
		agents: new Map(),
	};
	const stats = {
		logins: 0,
		mfaLogins: 0,
		failedLogins: 0,
		csrfRejections: 0,
		notAcceptable: 0,
		runs: 0,
		uploads: 0,
	};
	let seq = 0;
	const api = { options, state, stats, env, nextSeq: () => ++seq };

	function reset() {
		state.sessions.clear();
		state.memories.clear();
		state.agents.clear();
		for (const agent of seedAgents()) state.agents.set(agent.id, agent);
		for (const key of Object.keys(stats)) stats[key] = 0;
	}
	reset();

	async function handle(ctx) {
		const url = new URL(ctx.req.url, 'http://sandbox');
		ctx.rawPath = url.pathname;
		ctx.sitePath = url.pathname.slice(SITE_PREFIX.length) || '/';
		ctx.session = loadSession(api, ctx);
		try {
			const view = resolve(api, ctx.sitePath);
			if (view) return await view(api, ctx);
			// django.middleware.common.CommonMiddleware, APPEND_SLASH.
			if (!ctx.sitePath.endsWith('/') && resolve(api, `${ctx.sitePath}/`)) {
				if (api.options.debug && ['POST', 'PUT', 'PATCH'].includes(ctx.method)) {
					throw new ServerError(
						'RuntimeError',
						`You called this URL via ${ctx.method}, but the URL doesn’t end in a slash and you have APPEND_SLASH set.`,
					);
				}
				return sendEmpty(ctx, 301, {
					Location: `${ctx.rawPath}/${url.search}`,
					'Content-Type': 'text/html; charset=utf-8',
				});
			}
			return notFound(api, ctx);
		} catch (error) {
			if (error instanceof JsonAnswer)
				return sendJson(ctx, error.status, error.body, ctx.responseHeaders);
			if (error instanceof ServerError) return serverError(api, ctx, error);
			throw error; // a sandbox bug: the server answers 500
		}
	}

	const configure = (partial) => {
		mergeOptions(options, partial || {});
	};

	const site = () => `${env.url}${SITE_PREFIX}`;
	const userByEmail = (email) => options.users.findIndex((user) => user.email === email) + 1;
	function threadsOf(email = DEFAULT_OPTIONS.users[0].email) {
		const userId = userByEmail(email);
		const threads = new Map();
		for (const memory of state.memories.values())
			if (memory.user_id === userId) threads.set(memory.thread_id, memory);
		return threads;
	}

	return {
		key: 'agentChat',
		mounts: [{ prefix: SITE_PREFIX, body: 'raw', handle }],
		reset,
		configure,
		errorBody,
		statsJson: () => ({ ...stats }),
		publicApi: {
			/** The site's root: <siteUrl>/auth/login/ is the login page. */
			get siteUrl() {
				return site();
			},
			/** Where the agent API is mounted under the site ('/agent' unless configured). */
			get apiPath() {
				return normaliseApiPath(options.apiPath);
			},
			/** <siteUrl><apiPath>: <apiUrl>/api/threads/list is the thread list. */
			get apiUrl() {
				return `${site()}${normaliseApiPath(options.apiPath)}`;
			},
			ids: IDS,
			get options() {
				return { ...options, users: options.users.map((user) => ({ ...user, password: '***' })) };
			},
			state,
			stats,
			configure,
			/** Every session ends (as when SESSION_COOKIE_AGE passed): the API answers 403, to test renewal. */
			expireSessions() {
				state.sessions.clear();
			},
			/** The stored threads (ConversationMemory rows) of one user, by thread id. */
			threadsOf,
			thread: (threadId, email) => threadsOf(email).get(threadId),
		},
	};
}

function mergeOptions(target, partial) {
	for (const [key, value] of Object.entries(partial)) {
		if (value === undefined) continue;
		target[key] =
			key === 'users' ? (Array.isArray(value) ? value : [value]).map((u) => ({ ...u })) : value;
	}
	return target;
}

function normaliseApiPath(value) {
	const path = String(value ?? '').replace(/^\/+|\/+$/g, '');
	return path ? `/${path}` : '';
}

// ---------------------------------------------------------------------------
// URL configuration (grit/core/urls.py, grit/auth/urls.py, grit/agent/urls.py)
// ---------------------------------------------------------------------------

function resolve(api, path) {
	const agent = normaliseApiPath(api.options.apiPath);
	const routes = {
		'/': indexView,
		'/auth/login/': loginView,
		'/auth/logout/': logoutView,
		'/auth/is-authenticated/': restView(['POST'], isAuthenticated),
		'/auth/mfa/verify/': mfaVerifyView,
		[`${agent}/chat/`]: chatView,
		[`${agent}/api/threads/create`]: restView(['POST'], createThread),
		[`${agent}/api/threads/`]: restView(['POST', 'DELETE'], threadDetail),
		[`${agent}/api/files/upload`]: restView(['POST'], uploadFiles),
		[`${agent}/api/threads/runs`]: restView(['POST'], threadsRuns),
		[`${agent}/api/threads/list`]: restView(['POST'], threadsList),
		[`${agent}/api/models`]: restView(['POST'], modelsList),
		[`${agent}/api/default-config`]: restView(['GET'], defaultConfig),
	};
	return Object.prototype.hasOwnProperty.call(routes, path) ? routes[path] : null;
}

/** A URL of the site, as Django's reverse() gives it (the site's prefix included). */
const siteUrl = (path) => `${SITE_PREFIX}${path}`;

// ---------------------------------------------------------------------------
// Sessions (django.contrib.sessions) and users
// ---------------------------------------------------------------------------

function loadSession(api, ctx) {
	const key = parseCookies(ctx.headers.cookie).sessionid;
	const stored = key ? api.state.sessions.get(key) : undefined;
	const live = stored && stored.expiresAt > Date.now() ? stored : undefined;
	if (stored && !live) api.state.sessions.delete(key);
	return {
		key: live ? key : null,
		cookieSent: Boolean(key),
		data: live ? { ...live.data } : {},
		modified: false,
	};
}

/** SessionMiddleware.process_response: saves a changed session and sets (or deletes) the cookie. */
function sessionCookie(api, session) {
	if (!session.modified) return null;
	if (Object.keys(session.data).length === 0) {
		if (session.key) api.state.sessions.delete(session.key);
		return session.cookieSent
			? 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/'
			: null;
	}
	session.key ??= randomString(32, SESSION_KEY_CHARS);
	const maxAge = Math.max(1, Math.ceil(api.options.sessionTtlMs / 1000));
	api.state.sessions.set(session.key, {
		data: { ...session.data },
		expiresAt: Date.now() + api.options.sessionTtlMs,
	});
	return `sessionid=${session.key}; expires=${new Date(Date.now() + maxAge * 1000).toUTCString()}; HttpOnly; Max-Age=${maxAge}; Path=/; SameSite=Lax`;
}

/** The logged-in user of the request (AuthenticationMiddleware), or null. */
function sessionUser(api, session) {
	const id = Number(session.data._auth_user_id);
	const user = id > 0 ? api.options.users[id - 1] : undefined;
	return user && user.active !== false ? { ...user, id } : null;
}

/** django.contrib.auth.login: a new session key, the user in it, a new CSRF secret. */
function logIn(ctx, userId) {
	if (ctx.session.key) ctx.session.oldKey = ctx.session.key;
	ctx.session.key = null;
	ctx.session.data = {
		_auth_user_id: String(userId),
		_auth_user_backend: 'grit.auth.backends.EmailBackend',
	};
	ctx.session.modified = true;
	ctx.csrfSecret = randomString(CSRF_SECRET_LENGTH, TOKEN_CHARS);
	ctx.csrfCookieNeedsUpdate = true;
}

function flushSession(ctx) {
	ctx.session.data = {};
	ctx.session.modified = true;
}

/** The response's cookies: the session's and, when it changed, the CSRF cookie. */
function responseCookies(api, ctx) {
	if (ctx.session.oldKey) api.state.sessions.delete(ctx.session.oldKey);
	const cookies = [];
	if (ctx.csrfCookieNeedsUpdate) {
		const expires = new Date(Date.now() + CSRF_COOKIE_AGE_S * 1000).toUTCString();
		cookies.push(
			`csrftoken=${ctx.csrfSecret}; expires=${expires}; Max-Age=${CSRF_COOKIE_AGE_S}; Path=/; SameSite=Lax`,
		);
	}
	const session = sessionCookie(api, ctx.session);
	if (session) cookies.push(session);
	return cookies.length ? { 'Set-Cookie': cookies } : {};
}

function redirect(api, ctx, location, status = 302) {
	sendEmpty(ctx, status, {
		Location: location,
		'Content-Type': 'text/html; charset=utf-8',
		...responseCookies(api, ctx),
	});
}

function render(api, ctx, status, html) {
	sendHtml(ctx, status, html, responseCookies(api, ctx));
}

// ---------------------------------------------------------------------------
// CSRF (django.middleware.csrf, Django 4.1+: the cookie holds the secret, forms a masked token)
// ---------------------------------------------------------------------------

function tokenFormatProblem(token) {
	if (token.length !== CSRF_SECRET_LENGTH && token.length !== CSRF_TOKEN_LENGTH)
		return 'has incorrect length';
	if (![...token].every((c) => TOKEN_CHARS.includes(c))) return 'has invalid characters';
	return null;
}

/** _mask_cipher_secret: a random mask, and the secret shifted by it. */
function maskSecret(secret) {
	const mask = randomString(CSRF_SECRET_LENGTH, TOKEN_CHARS);
	const cipher = [...secret]
		.map(
			(c, i) =>
				TOKEN_CHARS[(TOKEN_CHARS.indexOf(c) + TOKEN_CHARS.indexOf(mask[i])) % TOKEN_CHARS.length],
		)
		.join('');
	return mask + cipher;
}

function unmask(token) {
	if (token.length === CSRF_SECRET_LENGTH) return token;
	const mask = token.slice(0, CSRF_SECRET_LENGTH);
	return [...token.slice(CSRF_SECRET_LENGTH)]
		.map(
			(c, i) =>
				TOKEN_CHARS[
					(TOKEN_CHARS.indexOf(c) - TOKEN_CHARS.indexOf(mask[i]) + TOKEN_CHARS.length) %
						TOKEN_CHARS.length
				],
		)
		.join('');
}

/** The request's CSRF secret from its cookie, if well-formed. */
function cookieSecret(ctx) {
	const cookie = parseCookies(ctx.headers.cookie).csrftoken;
	if (!cookie || tokenFormatProblem(cookie)) return null;
	return unmask(cookie);
}

/** get_token: the form's masked token; a new secret (and cookie) when the request has none. */
function getToken(ctx) {
	if (!ctx.csrfSecret) {
		ctx.csrfSecret = cookieSecret(ctx);
		if (!ctx.csrfSecret) {
			ctx.csrfSecret = randomString(CSRF_SECRET_LENGTH, TOKEN_CHARS);
			ctx.csrfCookieNeedsUpdate = true;
		}
	}
	return maskSecret(ctx.csrfSecret);
}

/**
 * CsrfViewMiddleware.process_view for an unsafe method: the Origin (when sent; the Referer is
 * only checked over HTTPS, which the sandbox does not serve), then the cookie, then the token
 * from the form field or the X-CSRFToken header. Returns the reason of a failure, or null.
 */
function csrfFailure(ctx, formToken) {
	if (['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(ctx.method)) return null;
	const origin = ctx.headers.origin;
	if (
		origin !== undefined &&
		origin !== `http://${ctx.headers.host}` &&
		!CSRF_TRUSTED_ORIGINS.includes(origin)
	) {
		return `Origin checking failed - ${origin} does not match any trusted origins.`;
	}
	const cookie = parseCookies(ctx.headers.cookie).csrftoken;
	if (!cookie) return 'CSRF cookie not set.';
	const cookieProblem = tokenFormatProblem(cookie);
	if (cookieProblem) return `CSRF cookie ${cookieProblem}.`;
	let token = formToken || '';
	let source = 'POST';
	if (!token) {
		token = String(ctx.headers['x-csrftoken'] || '');
		source = "the 'HTTP_X_CSRFTOKEN' HTTP header";
	}
	if (!token) return 'CSRF token missing.';
	const tokenProblem = tokenFormatProblem(token);
	if (tokenProblem) return `CSRF token from ${source} ${tokenProblem}.`;
	if (unmask(token) !== unmask(cookie)) return `CSRF token from ${source} incorrect.`;
	return null;
}

// ---------------------------------------------------------------------------
// Django views: pages and login (grit/auth/views.py)
// ---------------------------------------------------------------------------

function formFields(ctx) {
	if (mediaType(ctx) === 'multipart/form-data') {
		const fields = {};
		for (const part of parseMultipart(ctx.rawBody, ctx.headers['content-type'])) {
			if (part.filename === null && part.name) fields[part.name] = part.data.toString('utf8');
		}
		return fields;
	}
	if (mediaType(ctx) === 'application/x-www-form-urlencoded')
		return Object.fromEntries(new URLSearchParams(ctx.rawBody.toString('utf8')));
	return {};
}

/**
 * A non-REST view behind CsrfViewMiddleware: a CSRF failure goes to CSRF_FAILURE_VIEW
 * (grit/core/views.py custom_csrf_failure_view): the session is flushed and the browser sent
 * back to the login page.
 */
function csrfProtected(api, ctx, fields) {
	const reason = csrfFailure(ctx, fields.csrfmiddlewaretoken);
	if (!reason) return true;
	api.stats.csrfRejections += 1;
	flushSession(ctx);
	redirect(api, ctx, siteUrl('/auth/login/'));
	return false;
}

function indexView(api, ctx) {
	const user = sessionUser(api, ctx.session);
	render(
		api,
		ctx,
		200,
		page(
			'Home',
			user
				? `<h1>Welcome</h1>\n<p>Signed in as ${escapeHtml(user.email)}.</p>`
				: '<h1>Welcome</h1>',
		),
	);
}

/** grit/auth/views.py custom_login_view. */
function loginView(api, ctx) {
	if (ctx.method !== 'POST') return render(api, ctx, 200, loginPage(getToken(ctx)));
	const fields = formFields(ctx);
	if (!csrfProtected(api, ctx, fields)) return;
	// EmailAuthenticationForm: a valid e-mail and a password; EmailBackend: the user by e-mail.
	const email = String(fields.email || '').trim();
	const index = /^[^\s@]+@[^\s@]+$/.test(email)
		? api.options.users.findIndex((u) => u.email === email)
		: -1;
	const user = index >= 0 ? api.options.users[index] : undefined;
	if (!user || !fields.password || fields.password !== user.password || user.active === false) {
		api.stats.failedLogins += 1;
		return render(api, ctx, 200, loginPage(getToken(ctx)));
	}
	if (user.mfa) {
		// A session that remembers who is logging in, not a logged-in one.
		api.stats.mfaLogins += 1;
		ctx.session.data = {
			...ctx.session.data,
			_mfa_user_id: String(index + 1),
			_mfa_backend: 'grit.auth.backends.EmailBackend',
		};
		ctx.session.modified = true;
		return redirect(api, ctx, siteUrl('/auth/mfa/verify/'));
	}
	api.stats.logins += 1;
	logIn(ctx, index + 1);
	// LOGIN_REDIRECT_URL = '/' (grit/core/settings.py).
	redirect(api, ctx, siteUrl('/'));
}

/** grit/auth/views.py mfa_verify_view: the page, for a session in the middle of an MFA login. Codes are not simulated. */
function mfaVerifyView(api, ctx) {
	if (!ctx.session.data._mfa_user_id) return redirect(api, ctx, siteUrl('/auth/login/'));
	if (ctx.method === 'POST' && !csrfProtected(api, ctx, formFields(ctx))) return;
	const body =
		'<h1>Two-factor authentication</h1>\n<p>Enter the 6-digit code sent to your email, or use a backup code.</p>';
	render(api, ctx, 200, page('Verify Your Identity', body));
}

/** grit/auth/views.py custom_logout_view. */
function logoutView(api, ctx) {
	if (ctx.method === 'POST' && !csrfProtected(api, ctx, formFields(ctx))) return;
	flushSession(ctx);
	redirect(api, ctx, siteUrl('/'));
}

/** grit/agent/views.py chat_view: @login_required. */
function chatView(api, ctx) {
	if (!sessionUser(api, ctx.session)) {
		return redirect(api, ctx, `${siteUrl('/auth/login/')}?next=${encodeURIComponent(ctx.rawPath)}`);
	}
	render(api, ctx, 200, page('Chat', '<div id="chat"></div>'));
}

// ---------------------------------------------------------------------------
// Django REST framework views (@api_view; settings: SessionAuthentication, IsAuthenticated, JSONRenderer)
// ---------------------------------------------------------------------------

/**
 * DefaultContentNegotiation with JSONRenderer only: some media range of the Accept header must
 * match application/json (`*\/*`, `application/*`); no header at all counts as `*\/*`.
 */
function acceptsJson(header) {
	if (header === undefined) return true;
	return String(header)
		.split(',')
		.some((range) => {
			const [type, sub = ''] = range.split(';')[0].trim().toLowerCase().split('/');
			return (type === '*' || type === 'application') && (sub === '*' || sub === 'json');
		});
}

/**
 * APIView.initial, then the view: content negotiation (406), authentication with its CSRF
 * check for a logged-in session (403 "CSRF Failed: …"), the permission (403 "Authentication
 * credentials were not provided."), then the method (405).
 */
function restView(methods, view) {
	return async (api, ctx) => {
		if (!acceptsJson(ctx.headers.accept)) {
			api.stats.notAcceptable += 1;
			throw drfError(406, 'Could not satisfy the request Accept header.');
		}
		const user = sessionUser(api, ctx.session);
		if (user) {
			const reason = csrfFailure(ctx, '');
			if (reason) {
				api.stats.csrfRejections += 1;
				throw drfError(403, `CSRF Failed: ${reason}`);
			}
		}
		if (!user) throw drfError(403, NOT_AUTHENTICATED);
		if (!methods.includes(ctx.method)) throw drfError(405, `Method "${ctx.method}" not allowed.`);
		ctx.responseHeaders = responseCookies(api, ctx);
		await view(api, ctx, user);
	};
}

/** request.data and request.FILES as DRF's JSON, form and multipart parsers give them. */
function requestData(ctx) {
	if (ctx.rawBody.length === 0) return { data: {}, files: {} };
	const type = mediaType(ctx);
	if (type === 'application/json') {
		try {
			const value = JSON.parse(ctx.rawBody.toString('utf8'));
			return { data: isPlainObject(value) ? value : {}, files: {} };
		} catch (error) {
			throw drfError(400, `JSON parse error - ${error.message}`);
		}
	}
	if (type === 'multipart/form-data') {
		const data = {};
		const files = {};
		for (const part of parseMultipart(ctx.rawBody, ctx.headers['content-type'])) {
			if (!part.name) continue;
			if (part.filename === null) data[part.name] = part.data.toString('utf8');
			else files[part.name] = part;
		}
		return { data, files };
	}
	if (type === 'application/x-www-form-urlencoded') return { data: formFields(ctx), files: {} };
	throw drfError(415, `Unsupported media type "${ctx.headers['content-type'] || ''}" in request.`);
}

/** grit/auth/views.py is_authenticated: behind the default IsAuthenticated, so never `false`. */
function isAuthenticated(api, ctx, user) {
	sendJson(
		ctx,
		200,
		{ is_authenticated: true, user_id: user.id, email: user.email, is_email_verified: true },
		ctx.responseHeaders,
	);
}

function createThread(api, ctx) {
	sendJson(ctx, 201, { thread_id: crypto.randomUUID() }, ctx.responseHeaders);
}

// --- ConversationMemory (grit/agent/store.py MemoryStoreService) ---

const memoryKey = (userId, threadId) => `${userId} ${threadId}`;

/** get_memory: a thread ID that is no UUID raises (ValidationError), one never stored is None. */
function getMemory(api, user, threadId) {
	return api.state.memories.get(memoryKey(user.id, parseUuid(threadId))) || null;
}

/** upsert_memory / set_current_agent_id: get_or_create, then a new updated_at. */
function touchMemory(api, user, threadId) {
	const id = parseUuid(threadId);
	const key = memoryKey(user.id, id);
	let memory = api.state.memories.get(key);
	if (!memory) {
		memory = {
			thread_id: id,
			user_id: user.id,
			owner: user.email,
			current_agent_id: null,
			conversation_history: [],
		};
		api.state.memories.set(key, memory);
	}
	memory.updated = api.nextSeq();
	return memory;
}

/** grit/agent/views.py thread_detail: POST reads, DELETE deletes. */
function threadDetail(api, ctx, user) {
	const { data } = requestData(ctx);
	const threadId = data.thread_id;
	if (!threadId) throw appError(400, 'Thread ID is required');
	if (ctx.method === 'DELETE') {
		let memory;
		try {
			memory = getMemory(api, user, threadId);
		} catch {
			throw new JsonAnswer(500, { success: false, error: 'Failed to delete thread' });
		}
		if (!memory) throw new JsonAnswer(404, { success: false, error: 'Thread not found' });
		api.state.memories.delete(memoryKey(user.id, memory.thread_id));
		return sendJson(
			ctx,
			200,
			{ success: true, message: 'Thread deleted successfully' },
			ctx.responseHeaders,
		);
	}
	// No try here in the app: a malformed ID ends in Django's 500 page.
	const memory = getMemory(api, user, threadId);
	if (!memory) throw appError(404, 'Thread not found');
	const messages = memory.conversation_history.map((entry, index) => {
		const metadata = entry.metadata || {};
		if (entry.role === 'user_image' && metadata.filename) {
			return {
				role: entry.role,
				content: `[File uploaded: ${metadata.filename}]`,
				metadata: { ...metadata, file_index: index },
			};
		}
		return { role: entry.role, content: entry.content, metadata };
	});
	sendJson(ctx, 200, { messages }, ctx.responseHeaders);
}

/** grit/agent/views.py threads_list: the 20 most recently updated, titled by their first user message. */
function threadsList(api, ctx, user) {
	const memories = [...api.state.memories.values()]
		.filter((memory) => memory.user_id === user.id)
		.sort((a, b) => b.updated - a.updated)
		.slice(0, THREAD_LIST_MAX)
		.map((memory) => {
			const first = memory.conversation_history.find((entry) => entry.role === 'user');
			return { id: memory.thread_id, title: first ? first.content : ' - ' };
		});
	sendJson(ctx, 200, { memories }, ctx.responseHeaders);
}

/** grit/agent/models.py AgentManager.get_user_agents: AgentResponse, with `label`. */
function modelsList(api, ctx) {
	const models = [...api.state.agents.values()].map((agent) => ({
		id: agent.id,
		label: agent.name,
		description: agent.metadata.description || '',
		suggested_messages: agent.metadata.suggested_messages || [],
		overview_html: agent.metadata.overview_html || '',
	}));
	sendJson(ctx, 200, { models }, ctx.responseHeaders);
}

/** grit/agent/views.py default_config. */
function defaultConfig(api, ctx) {
	const agent = [...api.state.agents.values()].find(
		(a) => a.metadata.model_name === DEFAULT_MODEL_NAME,
	);
	if (!agent) throw appError(404, `No agent found with model_name: ${DEFAULT_MODEL_NAME}`);
	sendJson(
		ctx,
		200,
		{ model: agent.id, model_name: DEFAULT_MODEL_NAME, system_prompt: DEFAULT_SYSTEM_PROMPT },
		ctx.responseHeaders,
	);
}

/** Agent.objects.get(id=...): a malformed ID raises ValidationError, an unknown one DoesNotExist. */
function getAgent(api, agentId) {
	const agent = api.state.agents.get(parseUuid(agentId));
	if (!agent) throw new ServerError('DoesNotExist', 'Agent matching query does not exist.');
	return agent;
}

/** The app's own try/except around the view's work: any exception becomes 500 {"error": str(e)}. */
function caughtAsJson(work, prefix = '') {
	try {
		return work();
	} catch (error) {
		if (error instanceof ServerError) throw appError(500, `${prefix}${error.message}`);
		throw error;
	}
}

// --- Streaming: StreamingHttpResponse over a token generator ---

/**
 * Streams what `generate` yields, one piece per chunkDelayMs. The view wraps the generator:
 * an exception inside it becomes the inline line "\n[Stream Error]: <message>\n"
 * (grit/agent/aviews.py). Returns false when the client left or a cutStream fault cut it.
 */
async function streamTokens(api, ctx, contentType, generate) {
	const stream = openStream(ctx, { contentType, malformedChunk: Buffer.from([0xff, 0xfe, 0xfd]) });
	let first = true;
	const send = async (piece) => {
		if (!first) await api.env.sleep(api.options.chunkDelayMs);
		first = false;
		return stream.write(piece);
	};
	let complete = true;
	try {
		complete = await generate(send);
	} catch (error) {
		if (!(error instanceof ServerError)) throw error;
		await send(`\n[Stream Error]: ${error.message}\n`);
	}
	if (stream.closed) return false;
	stream.end();
	return complete !== false;
}

/**
 * process_chat of grit/agent/openai_agent.py (claude_agent.py does the same): the billing stop
 * first (nothing stored), then the thread's agent is set, then text or pages are stored.
 */
async function processChat(api, user, agent, request, send) {
	if (
		agent.recordUsageForPayment &&
		typeof user.unitsRemaining === 'number' &&
		user.unitsRemaining <= 0
	) {
		await send(BILLING_SENTENCE);
		return true;
	}
	const memory = touchMemory(api, user, request.threadId);
	memory.current_agent_id = agent.id;
	if (request.file) return storePages(api, memory, request.file);

	memory.conversation_history.push({ role: 'user', content: request.message });
	memory.updated = api.nextSeq();
	const words = splitWords(composeReply(agent, request.message));
	if (request.message.includes('[stream-error]')) {
		for (const word of words.slice(0, WORDS_BEFORE_ERROR)) if (!(await send(word))) return false;
		await send(`\n[Stream Error]: ${STREAM_FAILURE}\n`);
		// on_agent_end stores result.final_output, which a failed run never set.
		memory.conversation_history.push({ role: 'assistant', content: null });
		return true;
	}
	for (const word of words) if (!(await send(word))) return false;
	memory.conversation_history.push({ role: 'assistant', content: words.join('') });
	memory.updated = api.nextSeq();
	return true;
}

/**
 * The pages of an uploaded file (grit/agent/utils.py get_page_count / pdf_page_to_base64, i.e.
 * PyMuPDF): PDFs by their page objects, images as one page, plain text as one page per 3000
 * characters; anything else PyMuPDF cannot open.
 */
function pageCount(file) {
	const data = file.data;
	const name = String(file.filename || '');
	if (data.subarray(0, 5).toString('latin1') === '%PDF-') {
		const pages = (data.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;
		if (pages > 0) return pages;
		throw new ServerError('FileDataError', 'Failed to open file: broken document.');
	}
	const head = data.subarray(0, 12);
	const isImage =
		head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
		head.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])) ||
		head.subarray(0, 4).toString('latin1') === 'GIF8' ||
		head.subarray(0, 2).toString('latin1') === 'BM' ||
		(head.subarray(0, 4).toString('latin1') === 'RIFF' &&
			head.subarray(8, 12).toString('latin1') === 'WEBP');
	if (isImage) return 1;
	if (/\.txt$/i.test(name)) return Math.max(1, Math.ceil(data.length / 3000));
	throw new ServerError('FileDataError', `Failed to open file '.tmp/${name}'.`);
}

function storePages(api, memory, file) {
	const pages = pageCount(file);
	for (let index = 0; index < pages; index++) {
		memory.conversation_history.push({
			role: 'user_image',
			content: `data:image/png;base64,${PAGE_PNG}`,
			metadata: {
				filename: file.filename,
				pageCount: `${pages} page${pages > 1 ? 's' : ''}`,
				media_type: 'image/png',
			},
		});
	}
	memory.updated = api.nextSeq();
	// The image branch yields nothing: the answer's body stays empty.
	return true;
}

/** grit/agent/aviews.py threads_runs (THREADS_RUNS_AVIEW). */
async function threadsRuns(api, ctx, user) {
	const { data } = requestData(ctx);
	if (!data.message) throw appError(400, 'Message is required');
	if (!data.thread_id) throw appError(400, 'Thread ID is required');
	if (!data.model_id) throw appError(400, 'Model ID is required');
	// The thread's stored agent wins over model_id (get_current_agent_id).
	const agent = caughtAsJson(() => {
		const stored = api.state.memories.get(memoryKey(user.id, parseUuid(data.thread_id)));
		return getAgent(api, (stored && stored.current_agent_id) || data.model_id);
	});
	api.stats.runs += 1;
	const request = { threadId: data.thread_id, message: String(data.message) };
	await streamTokens(api, ctx, 'text/event-stream', (send) =>
		processChat(api, user, agent, request, send),
	);
}

/** grit/agent/aviews.py upload_files: the file's pages are stored with the app's first agent; the answer is empty. */
async function uploadFiles(api, ctx, user) {
	const { data, files } = requestData(ctx);
	if (!files.file) throw appError(400, 'File is required');
	if (!data.thread_id) throw appError(400, 'Thread ID is required');
	const agent = [...api.state.agents.values()][0];
	if (!agent) throw appError(404, 'No agents available. Please configure an agent first.');
	api.stats.uploads += 1;
	const request = { threadId: data.thread_id, file: files.file };
	await streamTokens(api, ctx, 'text/plain', (send) =>
		processChat(api, user, agent, request, send),
	);
}

module.exports = {
	createAgentChatApi,
	AGENT_CHAT_PREFIX: SITE_PREFIX,
	AGENT_CHAT_IDS: IDS,
	AGENT_CHAT_BILLING_SENTENCE: BILLING_SENTENCE,
	composeReply,
	parseMultipart,
};
