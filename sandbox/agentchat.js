'use strict';

/**
 * Sandbox module for the "agent chat system" of the Grit One SDK (a Django
 * app), mounted at /agentchat/agent (the "/agent" part imitates the mount
 * prefix of a real deployment, so clients must keep any prefix in their base URL).
 *
 * Auth is a Django session, not an API key: GET /auth/login/ hands out a
 * csrftoken cookie, POST /auth/login/ (form-encoded) answers 302 with a
 * sessionid cookie, and every POST/DELETE under /api/ needs both cookies plus
 * X-CSRFToken (checked after authentication, as DRF's SessionAuthentication
 * does). Behaviour follows /work/shared/api-notes.md section 3 and seed 003;
 * choices the documentation does not settle are marked "(sandbox choice)".
 *
 * Messages that steer a run (for tests): "[billing]" -> the usage-limit
 * sentence as the whole body, nothing stored; "[stream-error]" -> a few words,
 * then the inline "[Stream Error]" line, no assistant message stored.
 */

const crypto = require('crypto');
const { parseJsonBody, sendJson, sendEmpty, openStream } = require('./http');

const PREFIX = '/agentchat/agent';

// Fixed ids (UUID v4 shape) so tests can name the models.
const MODEL_IDS = Object.freeze([
	'9b1f6c3e-0001-4a7d-8c11-00000000a001',
	'9b1f6c3e-0002-4a7d-8c11-00000000a002',
	'9b1f6c3e-0003-4a7d-8c11-00000000a003',
]);
const IDS = Object.freeze({ models: MODEL_IDS, defaultModel: MODEL_IDS[0] });

const SYSTEM_PROMPT = 'You are a helpful assistant.';
const FIXED_SENTENCE = 'This fixed reply comes from the local agent chat sandbox for tests.';
const BILLING_SENTENCE =
	'You have reached your usage limit for this billing period. Please contact your administrator to increase your budget.';
const STREAM_ERROR_LINE = '\n[Stream Error]: Simulated model failure\n';
// Words sent before the simulated failure, so clients see a partial answer first.
const WORDS_BEFORE_ERROR = 3;
const TITLE_CHARS = 60;
// Long messages are shortened inside the reply so a stream stays short.
const MAX_ECHO_CHARS = 300;
const CSRF_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const CSRF_TOKEN_LENGTH = 64;
const SESSION_ID_LENGTH = 32;
const MFA_PENDING_MAX_AGE_S = 300;

const DEFAULT_OPTIONS = Object.freeze({
	users: [
		{ email: 'user@example.com', password: 'correct-horse-battery', mfa: false },
		{ email: 'mfa@example.com', password: 'correct-horse-battery', mfa: true },
	],
	chunkDelayMs: 20,
	sessionTtlMs: 3600000,
});

// ---------------------------------------------------------------------------
// Errors: {error} for the app's own views, {detail} for DRF's auth and CSRF
// ---------------------------------------------------------------------------

class ApiError extends Error {
	constructor(status, body) {
		super(body.error || body.detail);
		this.status = status;
		this.body = body;
	}
}

const appError = (status, message) => new ApiError(status, { error: message });
const NOT_AUTHENTICATED = 'Authentication credentials were not provided.';

const STATUS_TEXT = {
	400: 'Bad request',
	403: 'Forbidden',
	404: 'Not found',
	405: 'Method not allowed',
	413: 'Request body too large',
	429: 'Too many requests',
	500: 'Internal server error',
	502: 'Bad gateway',
	503: 'Service unavailable',
	504: 'Gateway timeout',
};

function errorBody(status, message) {
	return { error: message || STATUS_TEXT[status] || `HTTP ${status}` };
}

// ---------------------------------------------------------------------------
// Small pure helpers
// ---------------------------------------------------------------------------

function now() {
	return new Date().toISOString();
}

function isPlainObject(value) {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function withSeq(record, seq) {
	Object.defineProperty(record, '_seq', { value: seq, enumerable: false });
	return record;
}

/** Django's token alphabet ([a-zA-Z0-9]); rejection sampling keeps it unbiased. */
function randomToken(length) {
	let token = '';
	while (token.length < length) {
		for (const byte of crypto.randomBytes(length)) {
			if (byte < 248 && token.length < length) token += CSRF_CHARS[byte % CSRF_CHARS.length];
		}
	}
	return token;
}

/** Words with their trailing whitespace: the chunks joined give the reply back exactly. */
function splitWords(text) {
	return text.match(/\S+\s*/g) || [];
}

function collapse(text) {
	return String(text).replace(/\s+/g, ' ').trim();
}

function escapeHtml(text) {
	return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function modelLabel(model) {
	return model.label || model.name;
}

/** Deterministic reply: depends only on the model and the message. */
function composeReply(model, message) {
	let text = collapse(message);
	if (text.length > MAX_ECHO_CHARS) text = `${text.slice(0, MAX_ECHO_CHARS).trimEnd()}…`;
	if (!/[.?!…]$/.test(text)) text += '.';
	return `Agent ${modelLabel(model)} answers: ${text} ${FIXED_SENTENCE}`;
}

function composeUploadReply(filename, size) {
	return `I received ${filename} (${size} bytes). ${FIXED_SENTENCE}`;
}

// ---------------------------------------------------------------------------
// Cookies, forms and multipart bodies (parsed here: the mount takes raw bodies)
// ---------------------------------------------------------------------------

function parseCookies(header) {
	const cookies = {};
	for (const part of String(header || '').split(';')) {
		const index = part.indexOf('=');
		if (index < 0) continue;
		const name = part.slice(0, index).trim();
		// Later duplicates win, as with Python's SimpleCookie.
		if (name) cookies[name] = part.slice(index + 1).trim();
	}
	return cookies;
}

function csrfCookie(token) {
	// Not HttpOnly: the page's JavaScript copies it into X-CSRFToken, as Django's docs describe.
	return `csrftoken=${token}; Path=/; SameSite=Lax; Max-Age=31449600`;
}

function mediaType(ctx) {
	return String(ctx.headers['content-type'] || '')
		.split(';')[0]
		.trim()
		.toLowerCase();
}

/** Header parameter such as boundary="x" or filename="a.png" (quotes optional). */
function headerParam(header, name) {
	const match = new RegExp(`(?:^|;)\\s*${name}=(?:"([^"]*)"|([^;]*))`, 'i').exec(header || '');
	return match ? (match[1] ?? match[2]).trim() : null;
}

/**
 * multipart/form-data -> [{name, filename, contentType, data}]. A broken body
 * yields the parts found so far; the caller then reports missing fields.
 */
function parseMultipart(buffer, contentType) {
	const boundary = headerParam(contentType, 'boundary');
	if (!boundary) return [];
	const delimiter = Buffer.from(`--${boundary}`);
	const parts = [];
	let start = buffer.indexOf(delimiter);
	while (start >= 0) {
		const afterDelimiter = start + delimiter.length;
		if (buffer.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break; // closing delimiter
		const headerEnd = buffer.indexOf('\r\n\r\n', afterDelimiter);
		const next = buffer.indexOf(delimiter, afterDelimiter);
		if (headerEnd < 0 || next < 0 || headerEnd > next) break;
		const headers = buffer.subarray(afterDelimiter, headerEnd).toString('utf8');
		// The part's data ends with the CRLF that belongs to the next delimiter.
		const data = buffer.subarray(headerEnd + 4, next - 2 >= headerEnd + 4 ? next - 2 : headerEnd + 4);
		parts.push(multipartPart(headers, data));
		start = next;
	}
	return parts;
}

function multipartPart(headerText, data) {
	const headers = {};
	for (const line of headerText.split('\r\n')) {
		const index = line.indexOf(':');
		if (index > 0) headers[line.slice(0, index).trim().toLowerCase()] = line.slice(index + 1).trim();
	}
	const disposition = headers['content-disposition'] || '';
	const encodedName = headerParam(disposition, 'filename\\*');
	let filename = headerParam(disposition, 'filename');
	if (encodedName && /^utf-8''/i.test(encodedName)) filename = decodeURIComponent(encodedName.slice(7));
	return {
		name: headerParam(disposition, 'name'),
		filename,
		contentType: headers['content-type'] || 'application/octet-stream',
		data,
	};
}

/** Form fields of a urlencoded or multipart body (Django accepts both for forms). */
function formFields(ctx) {
	if (mediaType(ctx) === 'multipart/form-data') {
		const fields = {};
		for (const part of parseMultipart(ctx.rawBody, ctx.headers['content-type'])) {
			if (part.filename === null && part.name) fields[part.name] = part.data.toString('utf8');
		}
		return fields;
	}
	return Object.fromEntries(new URLSearchParams(ctx.rawBody.toString('utf8')));
}

function jsonBody(ctx) {
	const parsed = parseJsonBody(ctx.rawBody);
	if (!parsed.ok) throw appError(400, 'Invalid JSON');
	return isPlainObject(parsed.value) ? parsed.value : {};
}

// ---------------------------------------------------------------------------
// HTML pages (Django templates in the real app)
// ---------------------------------------------------------------------------

/** Sends HTML; under a cutStream fault half of it, then the socket is destroyed. */
function sendHtml(ctx, status, html, headers = {}) {
	if (ctx.res.destroyed || ctx.res.writableEnded) return;
	const payload = Buffer.from(html);
	ctx.res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': payload.length, ...headers });
	if (ctx.fault && ctx.fault.kind === 'cutStream') {
		ctx.res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => ctx.req.socket.destroy());
		return;
	}
	ctx.res.end(payload);
}

function page(title, body) {
	return `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n${body}\n</body>\n</html>\n`;
}

function loginPage(csrfToken, { error, email, next } = {}) {
	return page(
		'Log in',
		[
			'<h1>Log in</h1>',
			error ? `<ul class="errorlist nonfield"><li>${escapeHtml(error)}</li></ul>` : '',
			`<form method="post" action="${PREFIX}/auth/login/">`,
			`  <input type="hidden" name="csrfmiddlewaretoken" value="${csrfToken}">`,
			next ? `  <input type="hidden" name="next" value="${escapeHtml(next)}">` : '',
			`  <label>Email <input type="email" name="email" value="${escapeHtml(email || '')}" required></label>`,
			'  <label>Password <input type="password" name="password" required></label>',
			'  <button type="submit">Log in</button>',
			'</form>',
		]
			.filter(Boolean)
			.join('\n'),
	);
}

function csrfFailurePage(reason) {
	return page(
		'403 Forbidden',
		`<h1>Forbidden <span>(403)</span></h1>\n<p>CSRF verification failed. Request aborted.</p>\n<p>${escapeHtml(reason)}</p>`,
	);
}

// ---------------------------------------------------------------------------
// Seed data
// ---------------------------------------------------------------------------

function seedModels() {
	return [
		{
			id: MODEL_IDS[0],
			label: 'General Assistant',
			description: 'Answers everyday questions.',
			suggested_messages: ['What can you do?', 'Summarise a text for me.'],
			overview_html: '<p>The <strong>General Assistant</strong> answers everyday questions.</p>',
		},
		{
			id: MODEL_IDS[1],
			label: 'Research Agent',
			description: 'Digs into a topic and reports back.',
			suggested_messages: ['Research the history of HTTP cookies.', 'Compare two frameworks.'],
			overview_html: '<p>The <strong>Research Agent</strong> reports on a topic.</p>',
		},
		// `name` instead of `label`: the docs disagree on the field, so clients must accept both.
		{
			id: MODEL_IDS[2],
			name: 'Support Agent',
			description: 'Helps with product support questions.',
			suggested_messages: ['How do I reset my password?'],
			overview_html: '<p>The <strong>Support Agent</strong> helps with support questions.</p>',
		},
	];
}

// ---------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------

/**
 * Creates the agent chat module. `env` comes from the generic server:
 * { url (getter: sandbox base URL), sleep(ms) (cancelled on close) }.
 */
function createAgentChatApi(userOptions, env) {
	const options = mergeOptions(structuredClone(DEFAULT_OPTIONS), userOptions || {});
	const state = {
		sessions: new Map(), // sessionid -> {email, created (ms), expired}
		threads: new Map(), // id -> {id, title, messages, model_id, created, owner}
		models: new Map(),
	};
	const stats = { logins: 0, failedLogins: 0, runs: 0, uploads: 0, csrfRejections: 0 };
	let seq = 0;

	const api = { options, state, stats, env, nextSeq: () => ++seq };

	function reset() {
		state.sessions.clear();
		state.threads.clear();
		state.models.clear();
		for (const model of seedModels()) state.models.set(model.id, model);
		Object.assign(stats, { logins: 0, failedLogins: 0, runs: 0, uploads: 0, csrfRejections: 0 });
	}
	reset();

	async function handle(ctx) {
		try {
			const match = findRoute(ctx.method, ctx.subpath);
			if (!match) throw appError(404, 'Not found');
			if (match.methodNotAllowed) throw appError(405, `Method "${ctx.method}" not allowed.`);
			const user = authorize(api, ctx, match.auth);
			await match.handler(api, ctx, user);
		} catch (error) {
			if (!(error instanceof ApiError)) throw error; // a sandbox bug: the server answers 500
			sendJson(ctx, error.status, error.body);
		}
	}

	const configure = (partial) => {
		mergeOptions(options, partial || {});
	};

	return {
		key: 'agentChat',
		// Raw bodies: logins are form-encoded and uploads multipart; JSON is parsed per route.
		mounts: [{ prefix: PREFIX, body: 'raw', handle }],
		reset,
		configure,
		errorBody,
		statsJson: () => ({ ...stats }),
		publicApi: {
			get baseUrl() {
				return `${env.url}${PREFIX}`;
			},
			ids: IDS,
			// A copy without passwords: POST /__sandbox/config echoes options over HTTP.
			get options() {
				return { ...options, users: options.users.map((u) => ({ ...u, password: '***' })) };
			},
			state,
			stats,
			configure,
			/** Every current session becomes invalid (its cookie then gets 403), to test renewal. */
			expireSessions() {
				for (const session of state.sessions.values()) session.expired = true;
			},
		},
	};
}

/** Shallow merge; users are copied so later changes to the caller's array do not leak in. */
function mergeOptions(target, partial) {
	for (const [key, value] of Object.entries(partial)) {
		if (value === undefined) continue;
		target[key] = key === 'users' ? (Array.isArray(value) ? value : [value]).map((u) => ({ ...u })) : value;
	}
	return target;
}

// ---------------------------------------------------------------------------
// Sessions, authentication and CSRF
// ---------------------------------------------------------------------------

/** The session behind the request's sessionid cookie, or null (unknown, expired or invalidated). */
function currentSession(api, ctx) {
	const id = parseCookies(ctx.headers.cookie).sessionid;
	const session = id ? api.state.sessions.get(id) : null;
	if (!session) return null;
	// The TTL is read at each check, so configure({sessionTtlMs}) also shortens existing sessions.
	if (session.expired || Date.now() - session.created >= api.options.sessionTtlMs) {
		api.state.sessions.delete(id);
		return null;
	}
	return session;
}

function createSession(api, email) {
	const id = randomToken(SESSION_ID_LENGTH).toLowerCase();
	api.state.sessions.set(id, { email, created: Date.now(), expired: false });
	return id;
}

/** Origin the Referer must match: the Host the client used (as Django compares), else the sandbox's. */
function expectedOrigin(ctx) {
	return ctx.headers.host ? `http://${ctx.headers.host}` : ctx.sandboxUrl;
}

/** Django's checks in its order: Referer (if sent), then the cookie, then the token. Returns a reason or null. */
function csrfFailure(ctx, submittedToken) {
	const referer = ctx.headers.referer;
	if (referer !== undefined) {
		let origin = null;
		try {
			origin = new URL(referer).origin;
		} catch {
			return 'Referer checking failed - Referer is malformed.';
		}
		if (origin !== expectedOrigin(ctx)) {
			return `Referer checking failed - ${referer} does not match any trusted origins.`;
		}
	}
	const cookie = parseCookies(ctx.headers.cookie).csrftoken;
	if (!cookie) return 'CSRF cookie not set.';
	if (!submittedToken) return 'CSRF token missing.';
	if (submittedToken !== cookie) return 'CSRF token incorrect.';
	return null;
}

/**
 * auth: 'none' (pages), 'optional' (is-authenticated: no session is an
 * answer, not an error), 'session'. Authentication is checked before CSRF, as
 * DRF's SessionAuthentication does; GET needs the session only.
 */
function authorize(api, ctx, auth) {
	if (auth === 'none') return null;
	const session = currentSession(api, ctx);
	if (!session) {
		if (auth === 'optional') return null;
		throw new ApiError(403, { detail: NOT_AUTHENTICATED });
	}
	if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
		const reason = csrfFailure(ctx, ctx.headers['x-csrftoken']);
		if (reason) {
			api.stats.csrfRejections += 1;
			throw new ApiError(403, { detail: `CSRF Failed: ${reason}` });
		}
	}
	return session;
}

// ---------------------------------------------------------------------------
// Routing (the generic server strips trailing slashes: /auth/login/ -> /auth/login)
// ---------------------------------------------------------------------------

const ROUTES = [
	{ method: 'GET', path: '/', auth: 'none', handler: homePage },
	{ method: 'GET', path: '/auth/login', auth: 'none', handler: showLogin },
	{ method: 'POST', path: '/auth/login', auth: 'none', handler: login },
	{ method: 'GET', path: '/auth/mfa/verify', auth: 'none', handler: mfaPage },
	{ method: 'POST', path: '/auth/is-authenticated', auth: 'optional', handler: isAuthenticated },
	{ method: 'POST', path: '/api/threads/create', auth: 'session', handler: createThread },
	{ method: 'POST', path: '/api/threads', auth: 'session', handler: getThread },
	{ method: 'DELETE', path: '/api/threads', auth: 'session', handler: deleteThread },
	{ method: 'POST', path: '/api/threads/list', auth: 'session', handler: listThreads },
	{ method: 'POST', path: '/api/threads/runs', auth: 'session', handler: runThread },
	{ method: 'POST', path: '/api/files/upload', auth: 'session', handler: uploadFile },
	{ method: 'POST', path: '/api/models', auth: 'session', handler: listModels },
	{ method: 'GET', path: '/api/default-config', auth: 'session', handler: defaultConfig },
];

/** The route, {methodNotAllowed} for a known path with another method, or null. */
function findRoute(method, subpath) {
	const sameMethod = method === 'HEAD' ? 'GET' : method;
	const onPath = ROUTES.filter((r) => r.path === subpath);
	if (onPath.length === 0) return null;
	return onPath.find((r) => r.method === sameMethod) || { methodNotAllowed: true };
}

// ---------------------------------------------------------------------------
// Pages and login
// ---------------------------------------------------------------------------

/** Where a login redirects to: a local `next` path, else the app's root (as Django's LoginView). */
function safeNext(next) {
	return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : `${PREFIX}/`;
}

function homePage(api, ctx) {
	const session = currentSession(api, ctx);
	if (!session) return sendEmpty(ctx, 302, { Location: `${PREFIX}/auth/login/?next=${encodeURIComponent(`${PREFIX}/`)}` });
	return sendHtml(ctx, 200, page('Agent chat', `<h1>Agent chat</h1>\n<p>Logged in as ${escapeHtml(session.email)}.</p>`));
}

/** Keeps a well-formed csrftoken the client already has (Django does not rotate on GET). */
function showLogin(api, ctx) {
	const existing = parseCookies(ctx.headers.cookie).csrftoken;
	const token = existing && /^[a-zA-Z0-9]{64}$/.test(existing) ? existing : randomToken(CSRF_TOKEN_LENGTH);
	sendHtml(ctx, 200, loginPage(token, { next: ctx.query.next }), { 'Set-Cookie': csrfCookie(token) });
}

function mfaPage(api, ctx) {
	const body = [
		'<h1>Two-factor authentication</h1>',
		'<p>Enter the code from your authenticator app.</p>',
		'<form method="post"><input type="text" name="code" autocomplete="one-time-code"></form>',
	].join('\n');
	sendHtml(ctx, 200, page('Two-factor authentication', body));
}

function findUser(api, email) {
	const wanted = String(email || '')
		.trim()
		.toLowerCase();
	return wanted ? api.options.users.find((u) => String(u.email).toLowerCase() === wanted) : undefined;
}

/**
 * Form login. CSRF failure -> 403 HTML; wrong credentials -> 200 with the form
 * again (Django re-renders); MFA users -> 302 to the MFA step with no session.
 */
function login(api, ctx) {
	const fields = formFields(ctx);
	const cookieToken = parseCookies(ctx.headers.cookie).csrftoken;
	// The form field, or the header Django also accepts on forms.
	const reason = csrfFailure(ctx, fields.csrfmiddlewaretoken || ctx.headers['x-csrftoken']);
	if (reason) {
		api.stats.csrfRejections += 1;
		return sendHtml(ctx, 403, csrfFailurePage(reason));
	}
	const next = fields.next || ctx.query.next;
	const user = findUser(api, fields.email);
	if (!user || typeof fields.password !== 'string' || fields.password !== user.password) {
		api.stats.failedLogins += 1;
		const html = loginPage(cookieToken, { error: 'Please enter a correct email and password.', email: fields.email, next });
		return sendHtml(ctx, 200, html);
	}
	if (user.mfa) {
		// A pre-auth marker only: it authenticates nothing (the MFA step is not simulated).
		const pending = `mfa_pending=${randomToken(SESSION_ID_LENGTH)}; HttpOnly; Path=/; SameSite=Lax; Max-Age=${MFA_PENDING_MAX_AGE_S}`;
		return sendEmpty(ctx, 302, { Location: `${PREFIX}/auth/mfa/verify/`, 'Set-Cookie': pending });
	}
	api.stats.logins += 1;
	const sessionId = createSession(api, user.email);
	const maxAge = Math.max(1, Math.ceil(api.options.sessionTtlMs / 1000));
	sendEmpty(ctx, 302, {
		Location: safeNext(next),
		// Django rotates the CSRF token at login, so a client must pick up the new cookie.
		'Set-Cookie': [
			`sessionid=${sessionId}; HttpOnly; Path=/; SameSite=Lax; Max-Age=${maxAge}`,
			csrfCookie(randomToken(CSRF_TOKEN_LENGTH)),
		],
	});
}

function isAuthenticated(api, ctx, session) {
	sendJson(ctx, 200, session ? { is_authenticated: true, email: session.email } : { is_authenticated: false });
}

// ---------------------------------------------------------------------------
// Threads
// ---------------------------------------------------------------------------

/** Only mints an id: the thread is stored by its first run or upload. */
function createThread(api, ctx) {
	sendJson(ctx, 201, { thread_id: crypto.randomUUID() });
}

/** A stored thread of this user; other users' threads look unknown (sandbox choice). */
function findThread(api, threadId, session) {
	const thread = typeof threadId === 'string' ? api.state.threads.get(threadId) : undefined;
	return thread && thread.owner === session.email ? thread : null;
}

function requireThreadId(body) {
	if (typeof body.thread_id !== 'string' || body.thread_id === '') throw appError(400, 'thread_id is required');
	return body.thread_id;
}

function getThread(api, ctx, session) {
	const thread = findThread(api, requireThreadId(jsonBody(ctx)), session);
	if (!thread) throw appError(404, 'Thread not found');
	sendJson(ctx, 200, { messages: structuredClone(thread.messages) });
}

function deleteThread(api, ctx, session) {
	const thread = findThread(api, requireThreadId(jsonBody(ctx)), session);
	if (!thread) throw appError(404, 'Thread not found');
	api.state.threads.delete(thread.id);
	sendJson(ctx, 200, { success: true, message: 'Thread deleted successfully' });
}

function listThreads(api, ctx, session) {
	const memories = [...api.state.threads.values()]
		.filter((t) => t.owner === session.email && t.messages.length > 0)
		.sort((a, b) => b._seq - a._seq)
		.map((t) => ({ id: t.id, title: t.title }));
	sendJson(ctx, 200, { memories });
}

function storeThread(api, { id, firstMessage, modelId, owner }) {
	const thread = withSeq(
		{
			id,
			title: collapse(firstMessage).slice(0, TITLE_CHARS),
			messages: [],
			model_id: modelId,
			created: now(),
			owner,
		},
		api.nextSeq(),
	);
	api.state.threads.set(id, thread);
	return thread;
}

/**
 * The model a run uses: the stored thread's model wins over model_id (as the
 * real system does). model_id is only checked when it is used (sandbox choice).
 */
function resolveModel(api, thread, modelId) {
	if (thread) return api.state.models.get(thread.model_id) || api.state.models.get(IDS.defaultModel);
	if (modelId === undefined || modelId === null || modelId === '') return api.state.models.get(IDS.defaultModel);
	const model = api.state.models.get(modelId);
	if (!model) throw appError(404, 'Model not found');
	return model;
}

/** A thread id that is another user's is refused rather than shared (sandbox choice). */
function checkNotForeign(api, threadId, session) {
	const stored = api.state.threads.get(threadId);
	if (stored && stored.owner !== session.email) throw appError(404, 'Thread not found');
	return stored || null;
}

// ---------------------------------------------------------------------------
// Runs and uploads: raw text deltas on text/event-stream, no framing, no end event
// ---------------------------------------------------------------------------

/**
 * Streams `chunks` (the first at once, then one per chunkDelayMs). Returns
 * true when everything was sent, false when the client left or a cutStream
 * fault cut the stream. malformedLine sends invalid UTF-8: the raw-text
 * counterpart of a broken line.
 */
async function streamChunks(api, ctx, chunks) {
	const stream = openStream(ctx, { contentType: 'text/event-stream', malformedChunk: Buffer.from([0xff, 0xfe, 0xfd]) });
	for (let i = 0; i < chunks.length; i++) {
		if (i > 0) await api.env.sleep(api.options.chunkDelayMs);
		if (!stream.write(chunks[i])) return false;
	}
	if (stream.closed) return false;
	stream.end();
	return true;
}

async function runThread(api, ctx, session) {
	const body = jsonBody(ctx);
	if (typeof body.message !== 'string' || body.message.trim() === '') throw appError(400, 'message is required');
	const threadId = requireThreadId(body);
	const existing = checkNotForeign(api, threadId, session);
	const model = resolveModel(api, existing, body.model_id);
	api.stats.runs += 1;

	if (body.message.includes('[billing]')) {
		await streamChunks(api, ctx, [BILLING_SENTENCE]);
		return;
	}
	const thread = existing || storeThread(api, { id: threadId, firstMessage: body.message, modelId: model.id, owner: session.email });
	thread.messages.push({ role: 'user', content: body.message, metadata: {} });
	const words = splitWords(composeReply(model, body.message));

	if (body.message.includes('[stream-error]')) {
		await streamChunks(api, ctx, [...words.slice(0, WORDS_BEFORE_ERROR), STREAM_ERROR_LINE]);
		return;
	}
	// Stored once fully sent, like a generator that saves after its last token:
	// a cut or abandoned stream leaves no assistant message.
	if (await streamChunks(api, ctx, words)) {
		thread.messages.push({ role: 'assistant', content: words.join(''), metadata: { model_id: model.id } });
	}
}

async function uploadFile(api, ctx, session) {
	const parts = mediaType(ctx) === 'multipart/form-data' ? parseMultipart(ctx.rawBody, ctx.headers['content-type']) : [];
	const file = parts.find((p) => p.name === 'file' && p.filename !== null);
	const threadPart = parts.find((p) => p.name === 'thread_id' && p.filename === null);
	const threadId = threadPart ? threadPart.data.toString('utf8').trim() : '';
	if (!file || !threadId) throw appError(400, 'file and thread_id are required');
	const modelPart = parts.find((p) => p.name === 'model_id' && p.filename === null);

	const existing = checkNotForeign(api, threadId, session);
	const model = resolveModel(api, existing, modelPart ? modelPart.data.toString('utf8').trim() : undefined);
	api.stats.uploads += 1;

	const filename = file.filename || 'upload';
	const isImage = file.contentType.toLowerCase().startsWith('image/');
	// An image is stored by name, not as a data URL, so thread details stay small (sandbox choice).
	const message = {
		role: isImage ? 'user_image' : 'user',
		content: `${isImage ? '[image]' : '[file]'} ${filename}`,
		metadata: { filename, content_type: file.contentType, size: file.data.length },
	};
	const thread = existing || storeThread(api, { id: threadId, firstMessage: message.content, modelId: model.id, owner: session.email });
	thread.messages.push(message);

	const words = splitWords(composeUploadReply(filename, file.data.length));
	if (await streamChunks(api, ctx, words)) {
		thread.messages.push({ role: 'assistant', content: words.join(''), metadata: { model_id: model.id } });
	}
}

// ---------------------------------------------------------------------------
// Models and configuration
// ---------------------------------------------------------------------------

function listModels(api, ctx) {
	sendJson(ctx, 200, { models: structuredClone([...api.state.models.values()]) });
}

function defaultConfig(api, ctx) {
	const model = api.state.models.get(IDS.defaultModel);
	if (!model) throw appError(404, 'Configuration or agent not found');
	sendJson(ctx, 200, { model: model.id, model_name: modelLabel(model), system_prompt: SYSTEM_PROMPT });
}

module.exports = {
	createAgentChatApi,
	AGENT_CHAT_PREFIX: PREFIX,
	AGENT_CHAT_IDS: IDS,
	composeReply,
	parseMultipart,
};
