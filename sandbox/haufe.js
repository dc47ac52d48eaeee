'use strict';

/**
 * Sandbox module for "Haufe Copilot via API" (https://api.haufe.ai/agents/v1).
 *
 * Stateful and deterministic: answers are derived from the last user message
 * only, so tests can predict them. Behaviour follows /work/shared/api-notes.md
 * section 1 and the seed pages; where the real API is unverified, the choice
 * made here is noted in a comment.
 *
 * Mounts:
 *   /haufe/agents/v1  the API (api-key header, rate limited)
 *   /haufe-upload     the signed storage URL for file uploads (no api-key, no limits),
 *                     standing in for the cloud storage a real signed URL points at
 */

const crypto = require('crypto');
const { sendJson, sendEmpty, openStream } = require('./http');
const { createRateLimiter } = require('./rate-limit');
const { checkContext, checkAnswers } = require('./spec');

const PREFIX = '/haufe/agents/v1';
const UPLOAD_PREFIX = '/haufe-upload';

const ASSISTANT_IDS = Object.freeze({
	hr: '3f1c2a9e-7b4d-4e8a-9c21-5d6e7f8a9b01',
	tax: '8e2d4c6b-1a3f-4b5c-8d7e-9f0a1b2c3d42',
});
const TENANT_ID = 'c0ffee00-0000-4000-8000-000000000001';
// The answer "type" of seed 000; fixed so tests can assert on it.
const ANSWER_TYPE_ID = '53aa66b7-b874-407f-967c-3a959c919d62';

const MAX_CONTENT_CHARS = 30000;
// Long questions are shortened inside the answer so a stream stays short.
const MAX_QUESTION_CHARS = 300;
const MESSAGE_ROLES = ['user', 'system', 'assistant', 'tool'];
const FILE_LIMITS = Object.freeze({
	max_size: 10485760,
	allowed_types: ['pdf', 'docx', 'xlsx', 'csv', 'txt'],
});
const SIGNED_URL_TTL_SECONDS = 600;
const FILES_PAGE_MAX = 100;
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

const DEFAULT_OPTIONS = Object.freeze({
	apiKeys: ['sandbox-haufe-key'],
	streamChunkDelayMs: 20,
	maxPageSize: 100,
	fileProcessingMs: 100,
	rateLimits: {
		answer: { perSecond: 15, perMinute: 60 },
		general: { perSecond: 60, perMinute: 180 },
	},
	responseDelayMs: 0,
});

// ---------------------------------------------------------------------------
// Seed data
// ---------------------------------------------------------------------------

const META_DATA_RESPONSE_SCHEMA = Object.freeze({
	title: 'AnswerMetaData',
	type: 'object',
	properties: {
		intent: { type: 'string', description: 'Short label of what the question is about' },
		legal_advice: { type: 'boolean', description: 'Whether the answer amounts to legal advice' },
		type: { type: 'string', format: 'uuid', description: 'Answer type' },
	},
	required: ['intent', 'legal_advice', 'type'],
});

function seedAssistants() {
	return [
		{
			id: ASSISTANT_IDS.hr,
			name: 'HR Assistant',
			streaming: true,
			meta_data_response_schema: structuredClone(META_DATA_RESPONSE_SCHEMA),
			request_required_fields: { __root__: ['user_data'], user_data: ['licence'] },
		},
		{
			id: ASSISTANT_IDS.tax,
			name: 'Tax Assistant',
			streaming: false,
			meta_data_response_schema: structuredClone(META_DATA_RESPONSE_SCHEMA),
			request_required_fields: {},
		},
	];
}

// Fixed sources per assistant (1-2 each), so answers are fully predictable.
const SOURCES = Object.freeze({
	[ASSISTANT_IDS.hr]: [
		{
			content:
				'§ 622 Abs. 3 BGB: Während einer vereinbarten Probezeit, längstens für die Dauer von sechs Monaten, kann das Arbeitsverhältnis mit einer Frist von zwei Wochen gekündigt werden.',
			meta_data: { document_title: 'Bürgerliches Gesetzbuch (BGB)', section: '§ 622 Abs. 3' },
		},
		{
			content: 'Die Probezeit dient der gegenseitigen Erprobung von Arbeitgeber und Arbeitnehmer.',
			meta_data: {
				document_title: 'Haufe Personal Office: Probezeit',
				section: 'Zweck der Probezeit',
			},
		},
	],
	[ASSISTANT_IDS.tax]: [
		{
			content:
				'§ 9 Abs. 1 EStG: Werbungskosten sind Aufwendungen zur Erwerbung, Sicherung und Erhaltung der Einnahmen.',
			meta_data: { document_title: 'Einkommensteuergesetz (EStG)', section: '§ 9 Abs. 1' },
		},
	],
});

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** An error the API reports as {error_code, detail}. */
class ApiError extends Error {
	constructor(status, errorCode, detail, headers = {}) {
		super(detail);
		this.status = status;
		this.body = { error_code: errorCode, detail };
		this.headers = headers;
	}
}

/** A request validation error, reported in FastAPI's {detail: [{loc, msg, type}]} shape. */
class ValidationError extends Error {
	constructor(items) {
		super('validation error');
		this.status = 422;
		this.body = { detail: items };
		this.headers = {};
	}
}

function invalid(loc, msg, type) {
	return { loc, msg, type };
}

function throwIfInvalid(items) {
	if (items.length > 0) throw new ValidationError(items);
}

const notFound = {
	thread: () => new ApiError(404, 'thread_not_found', 'Thread not found'),
	assistant: () => new ApiError(404, 'assistant_not_found', 'Assistant not found'),
	message: () => new ApiError(404, 'message_not_found', 'Message not found'),
	file: () => new ApiError(404, 'file_not_found', 'File not found'),
};

// ---------------------------------------------------------------------------
// The documented shapes (specs/haufe-documented.json, written from the docs; see spec.js):
// every request checked, every JSON answer recorded against them
// ---------------------------------------------------------------------------

const TYPE_ERRORS = {
	string: ['Input should be a valid string', 'string_type'],
	integer: ['Input should be a valid integer, unable to parse string as an integer', 'int_parsing'],
	number: ['Input should be a valid number', 'float_parsing'],
	boolean: ['Input should be a valid boolean, unable to interpret input', 'bool_parsing'],
	object: ['Input should be a valid dictionary', 'dict_type'],
	array: ['Input should be a valid list', 'list_type'],
};

/** A document error as FastAPI (pydantic v2) words it: {loc, msg, type}. */
function docErrorItem(e) {
	const loc = [e.in === 'response' ? 'body' : e.in, ...e.path];
	switch (e.keyword) {
		case 'required':
			return invalid(loc, 'Field required', 'missing');
		case 'additionalProperties':
			return invalid(loc, 'Extra inputs are not permitted', 'extra_forbidden');
		case 'type': {
			const [msg, type] = TYPE_ERRORS[[].concat(e.params.type)[0]] || [e.message, 'type_error'];
			return invalid(loc, msg, type);
		}
		case 'format':
			return e.params.format === 'uuid'
				? invalid(loc, 'Input should be a valid UUID', 'uuid_parsing')
				: invalid(loc, e.message, 'value_error');
		case 'enum':
			return invalid(
				loc,
				`Input should be ${e.params.allowedValues
					.map((v) => `'${v}'`)
					.join(', ')
					.replace(/, ([^,]*)$/, ' or $1')}`,
				'enum',
			);
		case 'maxLength':
			return invalid(
				loc,
				`String should have at most ${e.params.limit} characters`,
				'string_too_long',
			);
		case 'minItems':
			return invalid(
				loc,
				`List should have at least ${e.params.limit} item after validation, not 0`,
				'too_short',
			);
		case 'minimum':
			return invalid(
				loc,
				`Input should be greater than or equal to ${e.params.limit}`,
				'greater_than_equal',
			);
		case 'maximum':
			return invalid(
				loc,
				`Input should be less than or equal to ${e.params.limit}`,
				'less_than_equal',
			);
		default:
			return invalid(loc, e.message, 'value_error');
	}
}

/**
 * Checks the request against the documented shapes: unknown fields, types and required
 * fields give FastAPI's 422 {detail: [{loc, msg, type}]}, every problem listed, before any
 * state changes. Every JSON answer is checked against the documented response shape.
 */
function checkAgainstDocs(ctx) {
	const { spec, check } = checkContext(ctx, 'haufe');
	if (!check) return;
	checkAnswers(ctx, spec, check, (status) => spec.responseSchema(check.operation, status));
	const shown = check.errors.filter(
		(e) =>
			!['oneOf', 'anyOf', 'allOf'].includes(e.keyword) &&
			!(e.keyword === 'type' && e.params.type === 'null'),
	);
	const items = (shown.length ? shown : check.errors)
		.map(docErrorItem)
		.filter(
			(item, i, all) =>
				all.findIndex((o) => o.loc.join('.') === item.loc.join('.') && o.type === item.type) === i,
		);
	if (items.length > 0) throw new ValidationError(items);
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

/** Attaches a hidden creation sequence number used for ordering and cursors. */
function withSeq(record, seq) {
	Object.defineProperty(record, '_seq', { value: seq, enumerable: false });
	return record;
}

function isTruthyFlag(value) {
	return ['true', '1', 'yes'].includes(String(value).toLowerCase());
}

function fileExtension(name) {
	const match = /\.([^.]+)$/.exec(name);
	return match ? match[1].toLowerCase() : '';
}

/** Words with their trailing whitespace: concatenating them gives the input back. */
function splitWords(text) {
	return text.match(/\S+\s*/g) || [];
}

// ---------------------------------------------------------------------------
// Cursor paging (threads oldest first, messages newest first)
// ---------------------------------------------------------------------------

function encodeCursor(kind, seq) {
	return Buffer.from(JSON.stringify({ k: kind, s: seq })).toString('base64url');
}

function decodeCursor(kind, cursor) {
	try {
		const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
		if (decoded.k === kind && Number.isInteger(decoded.s)) return decoded.s;
	} catch {
		// fall through to the validation error
	}
	throw new ValidationError([invalid(['query', 'cursor'], 'Invalid cursor', 'value_error')]);
}

function parseLimit(raw, { defaultValue, max, capped }) {
	if (raw === undefined || raw === '') return Math.min(defaultValue, max);
	const limit = Number(raw);
	if (!Number.isInteger(limit)) {
		throw new ValidationError([
			invalid(['query', 'limit'], 'Input should be a valid integer', 'int_parsing'),
		]);
	}
	if (limit < 1) {
		throw new ValidationError([
			invalid(
				['query', 'limit'],
				'Input should be greater than or equal to 1',
				'greater_than_equal',
			),
		]);
	}
	if (limit > max && !capped) {
		throw new ValidationError([
			invalid(
				['query', 'limit'],
				`Input should be less than or equal to ${max}`,
				'less_than_equal',
			),
		]);
	}
	return Math.min(limit, max);
}

/**
 * One cursor page of `items` (already in listing order). The cursor names the
 * last item returned, so inserts between calls do not shift pages.
 */
function cursorPage(items, query, { kind, maxPageSize, comesAfter }) {
	const limit = parseLimit(query.limit, { defaultValue: 100, max: maxPageSize, capped: true });
	let rest = items;
	if (query.cursor) {
		const seq = decodeCursor(kind, query.cursor);
		rest = items.filter((item) => comesAfter(item._seq, seq));
	}
	const page = rest.slice(0, limit);
	const cursor = rest.length > limit ? encodeCursor(kind, page[page.length - 1]._seq) : null;
	return { cursor, items: page };
}

// ---------------------------------------------------------------------------
// Body validation
// ---------------------------------------------------------------------------

function requireBodyObject(body) {
	if (!isPlainObject(body)) {
		throw new ValidationError([
			invalid(
				['body'],
				'Input should be a valid dictionary or object to extract fields from',
				body === undefined ? 'missing' : 'model_attributes_type',
			),
		]);
	}
	return body;
}

function checkUuidField(items, value, loc) {
	if (value === undefined || value === null) return;
	if (typeof value !== 'string' || !UUID_RE.test(value)) {
		items.push(invalid(loc, 'Input should be a valid UUID', 'uuid_parsing'));
	}
}

function checkRequiredString(items, value, loc) {
	if (value === undefined || value === null) items.push(invalid(loc, 'Field required', 'missing'));
	else if (typeof value !== 'string')
		items.push(invalid(loc, 'Input should be a valid string', 'string_type'));
}

function checkOptionalObject(items, value, loc) {
	if (value !== undefined && value !== null && !isPlainObject(value)) {
		items.push(invalid(loc, 'Input should be a valid dictionary', 'dict_type'));
	}
}

/** Field-level checks of one message ({role, content, tool_call_id?}). */
function messageFieldErrors(message, loc) {
	const items = [];
	if (!isPlainObject(message)) {
		return [invalid(loc, 'Input should be a valid dictionary', 'model_attributes_type')];
	}
	if (message.role === undefined)
		items.push(invalid([...loc, 'role'], 'Field required', 'missing'));
	else if (!MESSAGE_ROLES.includes(message.role)) {
		items.push(
			invalid([...loc, 'role'], "Input should be 'user', 'system', 'assistant' or 'tool'", 'enum'),
		);
	}
	checkRequiredString(items, message.content, [...loc, 'content']);
	// Pydantic's max_length counts code points (Python's len), not UTF-16 units: an emoji is one.
	if (typeof message.content === 'string' && [...message.content].length > MAX_CONTENT_CHARS) {
		items.push(
			invalid(
				[...loc, 'content'],
				`String should have at most ${MAX_CONTENT_CHARS} characters`,
				'string_too_long',
			),
		);
	}
	if (
		message.tool_call_id !== undefined &&
		message.tool_call_id !== null &&
		typeof message.tool_call_id !== 'string'
	) {
		items.push(invalid([...loc, 'tool_call_id'], 'Input should be a valid string', 'string_type'));
	}
	return items;
}

/**
 * Checks `meta_data` against an assistant's request_required_fields, e.g.
 * {"__root__": ["user_data"], "user_data": ["licence"]}: keys name objects
 * inside meta_data ("__root__" = meta_data itself, dots for nesting), values
 * list the fields those objects must carry.
 */
function missingRequiredField(requiredFields, metaData) {
	const entries = Object.entries(requiredFields || {}).sort(([a], [b]) =>
		a === '__root__' ? -1 : b === '__root__' ? 1 : a.length - b.length,
	);
	for (const [objectPath, fields] of entries) {
		const pathParts = objectPath === '__root__' ? [] : objectPath.split('.');
		const target = pathParts.reduce(
			(obj, key) => (isPlainObject(obj) ? obj[key] : undefined),
			metaData,
		);
		for (const field of fields || []) {
			const value = isPlainObject(target) ? target[field] : undefined;
			if (value === undefined || value === null || value === '') {
				return ['meta_data', ...pathParts, field].join('.');
			}
		}
	}
	return null;
}

function checkRequiredMetaData(assistant, metaData) {
	const missing = missingRequiredField(assistant.request_required_fields, metaData);
	if (missing) {
		throw new ApiError(422, 'request_metadata_missing_or_incomplete', `${missing} is required`);
	}
}

/** Conversation rules shared by runs and chat completions. */
function checkConversation(messages, { streaming }) {
	if (!messages.some((m) => m.role === 'user')) {
		throw new ApiError(400, 'bad_request', 'The thread must contain at least one user message');
	}
	if (messages.some((m, index) => m.role === 'system' && index > 0)) {
		throw new ApiError(400, 'bad_request', 'A system message must be the first message');
	}
	const last = messages[messages.length - 1];
	if (streaming && !['user', 'tool'].includes(last.role)) {
		throw new ApiError(
			400,
			'incorrect_stack_ending',
			`The conversation must end on a user or tool message to run, but it ends on a ${last.role} message`,
		);
	}
}

function checkStreamingSupported(assistant) {
	if (!assistant.streaming) {
		throw new ApiError(
			400,
			'engine_does_not_support_streaming',
			'The selected engine does not support streaming responses. Please use the non-streaming endpoint.',
		);
	}
}

// ---------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------

function lastUserQuestion(messages) {
	const lastUser = [...messages].reverse().find((m) => m.role === 'user');
	return lastUser ? lastUser.content : '';
}

/** Deterministic answer: depends only on the assistant and the question. */
function composeAnswer(assistant, question) {
	let q = question.replace(/\s+/g, ' ').trim();
	if (q.length > MAX_QUESTION_CHARS) q = `${q.slice(0, MAX_QUESTION_CHARS).trimEnd()}…`;
	// A full stop after a bare question keeps the answer readable ("Answer to: Hi there. The ...").
	if (q && !/[.?!…]$/.test(q)) q += '.';
	const content = [
		'Answer to:',
		q,
		`The ${assistant.name} of the sandbox gives this fixed reply, based on the sources listed below.`,
	]
		.filter(Boolean)
		.join(' ');
	const intent = q.split(' ').slice(0, 4).join(' ') || 'general';
	return {
		content,
		meta_data: { intent, legal_advice: false, type: ANSWER_TYPE_ID },
		sources: structuredClone(SOURCES[assistant.id] || []),
	};
}

function assistantMessage(threadId, answer) {
	return {
		content: answer.content,
		created_at: now(),
		id: crypto.randomUUID(),
		meta_data: answer.meta_data,
		role: 'assistant',
		sources: answer.sources,
		thread_id: threadId,
	};
}

// ---------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------

/**
 * Creates the Haufe module. `env` comes from the generic server:
 * { url (getter: sandbox base URL), sleep(ms) (cancelled on close) }.
 */
function createHaufeApi(userOptions, env) {
	const options = mergeOptions(structuredClone(DEFAULT_OPTIONS), userOptions || {});
	const state = { assistants: [], threads: new Map(), messages: new Map(), files: new Map() };
	const stats = {
		runs: [],
		runsByThread: new Map(),
		answerRequests: 0,
		rateLimited: 0,
		firstChunks: [],
	};
	const uploads = new Map(); // signed-URL token -> {fileId, expiresAt}
	const limiters = {
		answer: createRateLimiter(() => options.rateLimits.answer),
		general: createRateLimiter(() => options.rateLimits.general),
	};
	let seq = 0;

	const api = { options, state, stats, uploads, env, nextSeq: () => ++seq };

	function reset() {
		state.assistants.splice(0, state.assistants.length, ...seedAssistants());
		state.threads.clear();
		state.messages.clear();
		state.files.clear();
		uploads.clear();
		stats.runs.length = 0;
		stats.runsByThread.clear();
		stats.answerRequests = 0;
		stats.rateLimited = 0;
		stats.firstChunks.length = 0;
		limiters.answer.reset();
		limiters.general.reset();
	}
	reset();

	/** Counts every request to an answer endpoint and every 429, whatever produced it (faults included). */
	function observe(ctx) {
		if (
			ctx.path.startsWith(PREFIX) &&
			findRoute(ctx.method, ctx.path.slice(PREFIX.length))?.budget === 'answer'
		) {
			stats.answerRequests += 1;
		}
		ctx.res.on('finish', () => {
			if (ctx.res.statusCode === 429) stats.rateLimited += 1;
		});
	}

	async function handleApi(ctx) {
		try {
			if (!options.apiKeys.includes(ctx.headers['api-key'])) {
				throw new ApiError(401, 'unauthorized', 'Invalid API key');
			}
			const match = findRoute(ctx.method, ctx.subpath);
			const limit = limiters[match ? match.budget : 'general'].take();
			if (!limit.ok) {
				throw new ApiError(429, 'rate_limit_error', 'Rate limit exceeded', {
					'Retry-After': String(limit.retryAfterSeconds),
				});
			}
			if (!match) throw new ApiError(404, 'not_found', `No route for ${ctx.method} ${ctx.path}`);
			if (ctx.bodyError) {
				throw new ValidationError([invalid(['body', 0], 'JSON decode error', 'json_invalid')]);
			}
			checkAgainstDocs(ctx);
			await match.handler(api, ctx, match.params);
		} catch (error) {
			sendError(ctx, error);
		}
	}

	async function handleUpload(ctx) {
		try {
			await uploadFile(api, ctx);
		} catch (error) {
			sendError(ctx, error);
		}
	}

	return {
		key: 'haufe',
		mounts: [
			{ prefix: PREFIX, body: 'json', handle: handleApi },
			{
				prefix: UPLOAD_PREFIX,
				body: 'raw',
				maxBodyBytes: FILE_LIMITS.max_size,
				handle: handleUpload,
			},
		],
		observe,
		reset,
		configure(partial) {
			mergeOptions(options, partial || {});
		},
		statsJson() {
			return { ...stats, runsByThread: Object.fromEntries(stats.runsByThread) };
		},
		publicApi: {
			get baseUrl() {
				return `${env.url}${PREFIX}`;
			},
			get uploadUrl() {
				return `${env.url}${UPLOAD_PREFIX}`;
			},
			assistantIds: ASSISTANT_IDS,
			options,
			state,
			stats,
			configure(partial) {
				mergeOptions(options, partial || {});
			},
		},
	};
}

/**
 * Shallow merge, except rateLimits which merges per budget and window
 * (rateLimits: null, or a budget set to null, disables those limits).
 */
function mergeOptions(target, partial) {
	for (const [key, value] of Object.entries(partial)) {
		if (value === undefined) continue;
		if (key === 'rateLimits' && value === null) {
			target.rateLimits = { answer: {}, general: {} };
		} else if (key === 'rateLimits' && isPlainObject(value)) {
			for (const [budget, windows] of Object.entries(value)) {
				target.rateLimits[budget] =
					windows === null ? {} : { ...target.rateLimits[budget], ...windows };
			}
		} else if (key === 'apiKeys') {
			target.apiKeys = Array.isArray(value) ? [...value] : [value];
		} else {
			target[key] = value;
		}
	}
	return target;
}

function sendError(ctx, error) {
	if (error instanceof ApiError || error instanceof ValidationError) {
		sendJson(ctx, error.status, error.body, error.headers);
		return;
	}
	throw error; // a sandbox bug: the generic server answers 500 and reports it
}

// ---------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------

function route(method, pattern, handler, budget = 'general') {
	const names = [];
	const source = pattern.replace(/:(\w+)/g, (_, name) => {
		names.push(name);
		return '([^/]+)';
	});
	return { method, regex: new RegExp(`^${source}$`), names, handler, budget };
}

// Order matters: /files/signed-url must win over /files/:fileId.
const ROUTES = [
	route('GET', '/assistants', listAssistants),
	route('GET', '/assistants/:assistantId', getAssistant),
	route('POST', '/threads', createThread),
	route('GET', '/threads', listThreads),
	route('GET', '/threads/:threadId', getThread),
	route('DELETE', '/threads/:threadId', deleteThread),
	route('POST', '/threads/:threadId/messages', createMessage),
	route('GET', '/threads/:threadId/messages', listMessages),
	route('DELETE', '/threads/:threadId/messages/:messageId', deleteMessage),
	route('POST', '/threads/:threadId/run', runThread, 'answer'),
	route('POST', '/threads/:threadId/run/stream', runThreadStream, 'answer'),
	route('POST', '/chat/completions', chatCompletion, 'answer'),
	route('POST', '/chat/completions/stream', chatCompletionStream, 'answer'),
	route('GET', '/files/signed-url', createSignedUrl),
	route('GET', '/files', listFiles),
	route('GET', '/files/:fileId/status', getFileStatus),
	route('GET', '/files/:fileId', getFile),
];

function findRoute(method, subpath) {
	for (const r of ROUTES) {
		const m = r.method === method && r.regex.exec(subpath);
		if (m) {
			const params = {};
			r.names.forEach((name, i) => {
				params[name] = decodeURIComponent(m[i + 1]);
			});
			return { ...r, params };
		}
	}
	return null;
}

// ---------------------------------------------------------------------------
// Assistants
// ---------------------------------------------------------------------------

function findAssistant(api, id) {
	const assistant = api.state.assistants.find((a) => a.id === id);
	if (!assistant) throw notFound.assistant();
	return assistant;
}

function listAssistants(api, ctx) {
	sendJson(ctx, 200, api.state.assistants);
}

function getAssistant(api, ctx, { assistantId }) {
	sendJson(ctx, 200, findAssistant(api, assistantId));
}

// ---------------------------------------------------------------------------
// Threads
// ---------------------------------------------------------------------------

/** A live (not soft-deleted) thread, or 404. */
function findThread(api, id) {
	const thread = api.state.threads.get(id);
	if (!thread || thread.deleted_at) throw notFound.thread();
	return thread;
}

function createThread(api, ctx) {
	const body = requireBodyObject(ctx.body);
	const errors = [];
	checkRequiredString(errors, body.assistant_id, ['body', 'assistant_id']);
	checkUuidField(errors, body.user_id, ['body', 'user_id']);
	if (body.title !== undefined && body.title !== null && typeof body.title !== 'string') {
		errors.push(invalid(['body', 'title'], 'Input should be a valid string', 'string_type'));
	}
	throwIfInvalid(errors);
	findAssistant(api, body.assistant_id);

	const timestamp = now();
	const thread = withSeq(
		{
			id: crypto.randomUUID(),
			assistant_id: body.assistant_id,
			tenant_id: TENANT_ID,
			user_id: body.user_id ?? null,
			title: body.title ?? null,
			created_at: timestamp,
			last_updated_at: timestamp,
		},
		api.nextSeq(),
	);
	api.state.threads.set(thread.id, thread);
	api.state.messages.set(thread.id, []);
	sendJson(ctx, 201, thread);
}

function listThreads(api, ctx) {
	const { query } = ctx;
	const includeDeleted = isTruthyFlag(query.include_deleted);
	const threads = [...api.state.threads.values()]
		.filter((t) => includeDeleted || !t.deleted_at)
		.filter((t) => !query.user_id || t.user_id === query.user_id)
		.sort((a, b) => a._seq - b._seq);
	sendJson(
		ctx,
		200,
		cursorPage(threads, query, {
			kind: 'threads',
			maxPageSize: api.options.maxPageSize,
			comesAfter: (itemSeq, cursorSeq) => itemSeq > cursorSeq,
		}),
	);
}

function getThread(api, ctx, { threadId }) {
	sendJson(ctx, 200, findThread(api, threadId));
}

function deleteThread(api, ctx, { threadId }) {
	const thread = findThread(api, threadId);
	thread.deleted_at = now();
	sendEmpty(ctx, 204);
}

function touch(thread) {
	thread.last_updated_at = now();
}

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

/** Tool-call ids an assistant message in the thread has asked for. */
function answerableToolCallIds(messages) {
	const ids = new Set();
	for (const m of messages.filter((msg) => msg.role === 'assistant')) {
		if (m.tool_call_id) ids.add(m.tool_call_id);
		for (const call of Array.isArray(m.tool_calls) ? m.tool_calls : []) {
			if (call && call.id) ids.add(call.id);
		}
	}
	return ids;
}

function checkMessageOrder(existing, message) {
	if (message.role === 'system' && existing.length > 0) {
		throw new ApiError(400, 'bad_request', 'A system message must be the first message');
	}
	if (message.role === 'tool') {
		if (!message.tool_call_id) {
			throw new ApiError(400, 'bad_request', 'A tool message needs a tool_call_id');
		}
		if (!answerableToolCallIds(existing).has(message.tool_call_id)) {
			throw new ApiError(
				400,
				'bad_request',
				`A tool message must answer an earlier assistant message with tool_call_id '${message.tool_call_id}'`,
			);
		}
	}
}

/** Stores a message in a thread and returns it. */
function appendMessage(api, thread, fields) {
	const message = withSeq(
		{
			id: crypto.randomUUID(),
			thread_id: thread.id,
			role: fields.role,
			content: fields.content,
			created_at: now(),
		},
		api.nextSeq(),
	);
	for (const extra of ['tool_call_id', 'tool_calls', 'meta_data', 'sources']) {
		if (fields[extra] !== undefined && fields[extra] !== null) message[extra] = fields[extra];
	}
	api.state.messages.get(thread.id).push(message);
	touch(thread);
	return message;
}

function createMessage(api, ctx, { threadId }) {
	const thread = findThread(api, threadId);
	const body = requireBodyObject(ctx.body);
	throwIfInvalid(messageFieldErrors(body, ['body']));
	checkMessageOrder(api.state.messages.get(thread.id), body);
	sendJson(ctx, 201, appendMessage(api, thread, body));
}

function listMessages(api, ctx, { threadId }) {
	const thread = findThread(api, threadId);
	const newestFirst = [...api.state.messages.get(thread.id)].sort((a, b) => b._seq - a._seq);
	sendJson(
		ctx,
		200,
		cursorPage(newestFirst, ctx.query, {
			kind: 'messages',
			maxPageSize: api.options.maxPageSize,
			comesAfter: (itemSeq, cursorSeq) => itemSeq < cursorSeq,
		}),
	);
}

function deleteMessage(api, ctx, { threadId, messageId }) {
	const thread = findThread(api, threadId);
	const messages = api.state.messages.get(thread.id);
	const index = messages.findIndex((m) => m.id === messageId);
	if (index < 0) throw notFound.message();
	messages.splice(index, 1);
	touch(thread);
	sendEmpty(ctx, 204);
}

// ---------------------------------------------------------------------------
// Runs and chat completions (the "answer" rate-limit budget)
// ---------------------------------------------------------------------------

function recordRun(api, { endpoint, threadId, messageId, assistantId, body }) {
	api.stats.runs.push({ threadId, messageId, at: Date.now(), endpoint, assistantId, body });
	if (threadId)
		api.stats.runsByThread.set(threadId, (api.stats.runsByThread.get(threadId) || 0) + 1);
}

function readRunBody(ctx) {
	const body = ctx.body === undefined ? {} : requireBodyObject(ctx.body);
	const errors = [];
	checkOptionalObject(errors, body.meta_data, ['body', 'meta_data']);
	throwIfInvalid(errors);
	return body;
}

/** Validates a run on a thread; returns what is needed to produce the answer. */
function prepareThreadRun(api, ctx, threadId, { streaming }) {
	const thread = findThread(api, threadId);
	const assistant = findAssistant(api, thread.assistant_id);
	const body = readRunBody(ctx);
	if (streaming) checkStreamingSupported(assistant);
	checkConversation(api.state.messages.get(thread.id), { streaming });
	checkRequiredMetaData(assistant, body.meta_data);
	return { thread, assistant, body };
}

/** Produces, stores and counts the answer of a thread run. */
function produceThreadAnswer(api, { thread, assistant, body }, endpoint) {
	const answer = composeAnswer(assistant, lastUserQuestion(api.state.messages.get(thread.id)));
	const message = { ...appendMessage(api, thread, { role: 'assistant', ...answer }) };
	recordRun(api, {
		endpoint,
		threadId: thread.id,
		messageId: message.id,
		assistantId: assistant.id,
		body,
	});
	return message;
}

async function runThread(api, ctx, { threadId }) {
	const run = prepareThreadRun(api, ctx, threadId, { streaming: false });
	await api.env.sleep(api.options.responseDelayMs);
	sendJson(ctx, 200, produceThreadAnswer(api, run, 'run'));
}

async function runThreadStream(api, ctx, { threadId }) {
	const run = prepareThreadRun(api, ctx, threadId, { streaming: true });
	await api.env.sleep(api.options.responseDelayMs);
	// Counted and stored when the stream starts: a cut stream still was one run.
	await streamMessage(api, ctx, produceThreadAnswer(api, run, 'run/stream'));
}

/** Validates a chat completion; returns what is needed to produce the answer. */
function prepareChat(api, ctx, { streaming }) {
	const body = requireBodyObject(ctx.body);
	const errors = [];
	checkRequiredString(errors, body.assistant_id, ['body', 'assistant_id']);
	checkUuidField(errors, body.user_id, ['body', 'user_id']);
	checkOptionalObject(errors, body.meta_data, ['body', 'meta_data']);
	if (!Array.isArray(body.messages)) {
		errors.push(
			invalid(
				['body', 'messages'],
				body.messages === undefined ? 'Field required' : 'Input should be a valid list',
				body.messages === undefined ? 'missing' : 'list_type',
			),
		);
	} else if (body.messages.length === 0) {
		errors.push(
			invalid(
				['body', 'messages'],
				'List should have at least 1 item after validation, not 0',
				'too_short',
			),
		);
	} else {
		body.messages.forEach((m, i) => errors.push(...messageFieldErrors(m, ['body', 'messages', i])));
	}
	throwIfInvalid(errors);

	const assistant = findAssistant(api, body.assistant_id);
	const thread = ctx.query.thread_id ? findThread(api, ctx.query.thread_id) : null;
	if (streaming) checkStreamingSupported(assistant);
	checkConversation(body.messages, { streaming });
	checkRequiredMetaData(assistant, body.meta_data);
	return { assistant, thread, body };
}

/** Produces (and, with a thread, stores) the answer of a chat completion. */
function produceChatAnswer(api, { assistant, thread, body }, endpoint) {
	const answer = composeAnswer(assistant, lastUserQuestion(body.messages));
	let message = assistantMessage(null, answer);
	if (thread) {
		for (const m of body.messages) appendMessage(api, thread, m);
		message = { ...appendMessage(api, thread, { role: 'assistant', ...answer }) };
	}
	recordRun(api, {
		endpoint,
		threadId: thread ? thread.id : null,
		messageId: message.id,
		assistantId: assistant.id,
		body,
	});
	return message;
}

async function chatCompletion(api, ctx) {
	const chat = prepareChat(api, ctx, { streaming: false });
	await api.env.sleep(api.options.responseDelayMs);
	sendJson(ctx, 200, produceChatAnswer(api, chat, 'chat/completions'));
}

async function chatCompletionStream(api, ctx) {
	const chat = prepareChat(api, ctx, { streaming: true });
	await api.env.sleep(api.options.responseDelayMs);
	await streamMessage(api, ctx, produceChatAnswer(api, chat, 'chat/completions/stream'));
}

/**
 * Streams an assistant message as NDJSON: one line per word, then a final line
 * with the sources, meta_data and finish_reason "stop". The final-line layout
 * is the sandbox's choice (the real end marker is unverified).
 */
async function streamMessage(api, ctx, message) {
	const stream = openStream(ctx, {
		contentType: 'application/x-ndjson',
		malformedChunk: '{"created_at": this line is not JSON\n',
	});
	const line = (fields) =>
		`${JSON.stringify({
			created_at: message.created_at,
			delta: fields.delta,
			...(fields.meta_data ? { meta_data: fields.meta_data } : {}),
			message_id: message.id,
			thread_id: message.thread_id,
			...(fields.finish_reason ? { finish_reason: fields.finish_reason } : {}),
		})}\n`;

	let first = true;
	for (const word of splitWords(message.content)) {
		if (!stream.write(line({ delta: { content: word, role: 'assistant', sources: [] } }))) return;
		if (first) {
			// Measurement only (the streamed-webhook benchmark): when the first text chunk was written.
			api.stats.firstChunks.push({
				threadId: message.thread_id,
				at: performance.timeOrigin + performance.now(),
			});
			first = false;
		}
		await api.env.sleep(api.options.streamChunkDelayMs);
	}
	const finalLine = line({
		delta: { content: '', role: 'assistant', sources: message.sources },
		meta_data: message.meta_data,
		finish_reason: 'stop',
	});
	if (stream.write(finalLine)) stream.end();
}

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

/**
 * Processing status, derived from the time since upload (no timers to clean
 * up, and configure({fileProcessingMs}) applies to files already uploaded):
 * PENDING for the first half of fileProcessingMs, then PROCESSING, then
 * PROCESSED. null or a negative value means it never gets PROCESSED.
 */
function processingStatus(api, file) {
	if (file.uploaded_at === null) return 'AWAITING_UPLOAD';
	const elapsed = Date.now() - file.uploaded_at;
	const total = api.options.fileProcessingMs;
	if (total === null || total === undefined || total < 0)
		return elapsed < 50 ? 'PENDING' : 'PROCESSING';
	if (elapsed >= total) return 'PROCESSED';
	return elapsed >= total / 2 ? 'PROCESSING' : 'PENDING';
}

function extractText(file) {
	if (['txt', 'csv'].includes(fileExtension(file.file_name))) return file.bytes.toString('utf8');
	return `Extracted text of ${file.file_name}`;
}

function findFile(api, id) {
	const file = api.state.files.get(id);
	if (!file) throw notFound.file();
	return file;
}

function createSignedUrl(api, ctx) {
	const filename = ctx.query.filename;
	if (!filename) {
		throw new ValidationError([invalid(['query', 'filename'], 'Field required', 'missing')]);
	}
	const extension = fileExtension(filename);
	if (!FILE_LIMITS.allowed_types.includes(extension)) {
		throw new ApiError(
			422,
			'unprocessable_entity',
			`File type '${extension || '(none)'}' is not allowed; allowed types: ${FILE_LIMITS.allowed_types.join(', ')}`,
		);
	}
	const fileId = crypto.randomUUID();
	const token = crypto.randomBytes(24).toString('base64url');
	api.state.files.set(
		fileId,
		withSeq(
			{
				file_id: fileId,
				file_name: filename,
				persist: isTruthyFlag(ctx.query.persist),
				user_id: ctx.headers['user-id'] ?? null,
				created_at: now(),
				uploaded_at: null,
				size: 0,
				bytes: Buffer.alloc(0),
			},
			api.nextSeq(),
		),
	);
	api.uploads.set(token, { fileId, expiresAt: Date.now() + SIGNED_URL_TTL_SECONDS * 1000 });
	sendJson(ctx, 200, {
		file_url: `${api.env.url}${UPLOAD_PREFIX}/${token}`,
		expires_in: SIGNED_URL_TTL_SECONDS,
		file_id: fileId,
		file_limits: structuredClone(FILE_LIMITS),
	});
}

/** PUT <file_url>: the signed storage URL. Bodies above max_size get 413 from the server. */
async function uploadFile(api, ctx) {
	const token = ctx.subpath.replace(/^\//, '');
	const upload = api.uploads.get(token);
	if (
		ctx.method !== 'PUT' ||
		!upload ||
		upload.expiresAt < Date.now() ||
		!api.state.files.has(upload.fileId)
	) {
		throw new ApiError(403, 'permission_denied', 'Invalid or expired upload URL');
	}
	const file = api.state.files.get(upload.fileId);
	file.bytes = ctx.rawBody;
	file.size = ctx.rawBody.length;
	file.uploaded_at = Date.now(); // processing (re)starts now
	const etag = crypto.createHash('md5').update(ctx.rawBody).digest('hex');
	sendEmpty(ctx, 200, { ETag: `"${etag}"` });
}

function getFileStatus(api, ctx, { fileId }) {
	const status = processingStatus(api, findFile(api, fileId));
	sendJson(ctx, 200, { file_id: fileId, processing_status: status, processingStatus: status });
}

/**
 * Extracted text. Before processing has finished there is no text yet, so the
 * sandbox answers 409 conflict_error (the real behaviour is unverified).
 */
function getFile(api, ctx, { fileId }) {
	const file = findFile(api, fileId);
	const status = processingStatus(api, file);
	if (status !== 'PROCESSED') {
		throw new ApiError(409, 'conflict_error', `File is not processed yet (status ${status})`);
	}
	sendJson(ctx, 200, {
		file_id: file.file_id,
		file_name: file.file_name,
		content: extractText(file),
		size: file.size,
	});
}

function listFiles(api, ctx) {
	const page = parsePage(ctx.query.page);
	const limit = parseLimit(ctx.query.limit, {
		defaultValue: 10,
		max: FILES_PAGE_MAX,
		capped: false,
	});
	const uploaded = [...api.state.files.values()]
		.filter((f) => f.uploaded_at !== null)
		.sort((a, b) => a._seq - b._seq);
	const files = uploaded
		.slice((page - 1) * limit, page * limit)
		.map((f) => ({ file_id: f.file_id, file_name: f.file_name }));
	sendJson(ctx, 200, { files, limit, page, total: uploaded.length });
}

function parsePage(raw) {
	if (raw === undefined || raw === '') return 1;
	const page = Number(raw);
	if (!Number.isInteger(page) || page < 1) {
		throw new ValidationError([
			invalid(
				['query', 'page'],
				'Input should be an integer greater than or equal to 1',
				'greater_than_equal',
			),
		]);
	}
	return page;
}

module.exports = {
	createHaufeApi,
	HAUFE_PREFIX: PREFIX,
	HAUFE_UPLOAD_PREFIX: UPLOAD_PREFIX,
	HAUFE_ASSISTANT_IDS: ASSISTANT_IDS,
	HAUFE_TENANT_ID: TENANT_ID,
	HAUFE_ANSWER_TYPE_ID: ANSWER_TYPE_ID,
	composeAnswer,
};
