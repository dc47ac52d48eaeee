'use strict';

/**
 * Sandbox module for the Griptape Cloud API (https://cloud.griptape.ai/api),
 * mounted at /griptape/api.
 *
 * Stateful and deterministic: an assistant run's answer depends only on its
 * input, and its events appear over time (driven by timers started when the
 * run is created), so pollers, SSE readers and triggers can be tested against
 * it. Behaviour follows /work/shared/api-notes.md section 4 and seed 004;
 * choices the public documentation does not settle are marked "(sandbox
 * choice)" and listed in README.md.
 *
 * Inputs that steer a run (for tests): "[fail]" -> FAILED, "[error]" -> ERROR,
 * "[hang]" -> RUNNING forever (checked in that order).
 */

const crypto = require('crypto');
const { EventEmitter } = require('events');
const { sendJson, sendEmpty, openStream } = require('./http');
const {
	checkContext,
	checkAnswers,
	primaryError,
	formatPath,
	recordResponseErrors,
} = require('./spec');

const PREFIX = '/griptape/api';

// Fixed ids (UUID v4 shape, as the seed's patterns demand) so tests can name them.
const IDS = Object.freeze({
	assistants: Object.freeze([
		'a1b2c3d4-0001-4a00-8000-000000000001',
		'a1b2c3d4-0002-4a00-8000-000000000002',
		'a1b2c3d4-0003-4a00-8000-000000000003',
	]),
	organizationId: '0e9a7c10-0000-4000-8000-0000000000a1',
	userIds: Object.freeze([
		'5e1f0000-0001-4000-9000-000000000001',
		'5e1f0000-0002-4000-9000-000000000002',
	]),
	apiKeyIds: Object.freeze([
		'ae100000-0001-4000-a000-000000000001',
		'ae100000-0002-4000-a000-000000000002',
	]),
	structureRunId: '57c0a000-0001-4000-b000-000000000001',
});

const SEED_TIME = '2025-01-15T09:00:00.000Z';
const RUN_STATUSES = ['QUEUED', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'ERROR', 'CANCELLED'];
const TERMINAL_STATUSES = new Set(['SUCCEEDED', 'FAILED', 'ERROR', 'CANCELLED']);
// A structure run has no lifecycle here; its SSE stream ends once one of these is posted.
const STRUCTURE_END_EVENTS = new Set([
	'FinishStructureRunEvent',
	'StructureRunCompleted',
	'StructureRunSucceeded',
	'StructureRunError',
]);
const ID_LIST_FIELDS = [
	'knowledge_base_ids',
	'ruleset_ids',
	'structure_ids',
	'tool_ids',
	'retriever_ids',
];
const FIXED_SENTENCE =
	'This is a fixed reply from the local Griptape Cloud sandbox, sent one word at a time for tests.';
const DEFAULT_PAGE_SIZE = 20;
const DEFAULT_EVENT_LIMIT = 100;
const MAX_NAME_CHARS = 200;

const DEFAULT_OPTIONS = Object.freeze({
	apiKeys: ['sandbox-griptape-key'],
	runStepMs: 20,
	tokenDelayMs: 5,
	maxPageSize: 100,
	maxEventPageSize: 100,
	// Aliases are unique (409 on a second use). false models a server that lets an alias be used
	// twice (the document does not say which), to test that clients converge on one thread anyway.
	uniqueAliases: true,
});

// ---------------------------------------------------------------------------
// Errors: Griptape's {type, errors: [...]} shape
// ---------------------------------------------------------------------------

const ERROR_TYPES = {
	400: 'BadRequest',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'NotFound',
	409: 'Conflict',
	413: 'PayloadTooLarge',
	422: 'ValidationError',
	429: 'TooManyRequests',
	500: 'InternalServerError',
	502: 'BadGateway',
	503: 'ServiceUnavailable',
	504: 'GatewayTimeout',
};

function errorBody(status, message, extra = {}) {
	return {
		type: ERROR_TYPES[status] || `Http${status}`,
		errors: [{ message: message || `HTTP ${status}`, ...extra }],
	};
}

class ApiError extends Error {
	constructor(status, message, extra) {
		super(message);
		this.status = status;
		this.body = errorBody(status, message, extra);
	}
}

const badRequest = (message, field) => new ApiError(400, message, field ? { field } : {});
const invalidField = (field, message) => new ApiError(422, message, { field });
const notFound = (what, id) => new ApiError(404, `${what} ${id} not found`);

// ---------------------------------------------------------------------------
// The vendor's document: every request checked, every answer and streamed event recorded
// against it (specs/griptape-openapi.json, see spec.js)
// ---------------------------------------------------------------------------

const UUID_PATTERN_HINT = '{8}-[0-9(a-f|A-F)]{4}-4';

/** One document error in Griptape's words: {message, field}. */
function specErrorItem(e) {
	const field = formatPath(e.path) || 'body';
	const where = e.in === 'query' ? 'Query parameter' : e.in === 'path' ? 'Path parameter' : 'Field';
	let text;
	switch (e.keyword) {
		case 'required':
			text = e.path.length ? 'is required' : 'a JSON body is required';
			break;
		case 'type':
			text = `must be of type ${[].concat(e.params.type).join(' or ')}`;
			break;
		case 'pattern':
			text = String(e.params.pattern).includes(UUID_PATTERN_HINT)
				? 'must be a UUID (version 4)'
				: `must match ${e.params.pattern}`;
			break;
		case 'enum':
			text = `must be one of ${e.params.allowedValues.join(', ')}`;
			break;
		case 'minLength':
		case 'maxLength':
			text = `must be ${e.keyword === 'minLength' ? 'at least' : 'at most'} ${e.params.limit} characters long`;
			break;
		default:
			text = e.message;
	}
	return { message: `${where} '${field}' ${text}`, field };
}

/**
 * Checks the request against the document: a request it does not allow is a 400 {type,
 * errors} listing every problem (the document's ClientError), before any state changes.
 * Every JSON answer is checked against the operation's response schema (errors against its
 * 400/500 schema) and every streamed event against the event schema of its list operation;
 * findings go to the request log (`spec`).
 */
function checkAgainstSpec(ctx) {
	const { spec, check } = checkContext(ctx, 'griptape');
	if (!check) return;
	checkAnswers(ctx, spec, check, (status) =>
		spec.responseSchema(check.operation, status >= 500 ? 500 : status >= 400 ? 400 : status),
	);
	const listOperation = {
		GetAssistantRunEventsSSE: 'ListAssistantEvents',
		GetStructureRunEventsSSE: 'ListEvents',
	}[check.operation];
	if (listOperation) {
		const list = spec.responseSchema(listOperation, 200);
		ctx.onStreamEvent = (event) =>
			recordResponseErrors(
				ctx,
				'streamed event',
				spec.checkAgainst(`${list.key}:item`, list.schema.properties.events.items, event),
			);
	}
	if (check.errors.length > 0) {
		const first = primaryError(check.errors);
		const rest = check.errors.filter(
			(e) => e !== first && !['oneOf', 'anyOf', 'allOf'].includes(e.keyword),
		);
		const items = [first, ...rest]
			.map(specErrorItem)
			.filter((item, i, all) => all.findIndex((o) => o.message === item.message) === i);
		const error = new ApiError(400, items[0].message);
		error.body = { type: ERROR_TYPES[400], errors: items };
		throw error;
	}
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

/** Hidden creation sequence number: orders lists without showing up in JSON. */
function withSeq(record, seq) {
	Object.defineProperty(record, '_seq', { value: seq, enumerable: false });
	return record;
}

/** Words with their trailing whitespace: the tokens joined give the answer back exactly. */
function splitWords(text) {
	return text.match(/\S+\s*/g) || [];
}

function textArtifact(value) {
	return { type: 'TextArtifact', value, meta: {} };
}

/** Deterministic answer: depends only on the run's input. */
function composeAnswer(input) {
	let text =
		String(input || '')
			.replace(/\s+/g, ' ')
			.trim() || '(empty input)';
	// A full stop after a bare question keeps the answer readable (sandbox choice).
	if (!/[.?!]$/.test(text)) text += '.';
	return `Griptape answer to: ${text} ${FIXED_SENTENCE}`;
}

/** How a run ends, steered by markers in its input. */
function runOutcome(input) {
	const text = String(input || '');
	if (text.includes('[fail]')) return 'FAILED';
	if (text.includes('[error]')) return 'ERROR';
	if (text.includes('[hang]')) return 'HANG';
	return 'SUCCEEDED';
}

function uniqueStrings(values) {
	return [...new Set(values)];
}

// ---------------------------------------------------------------------------
// Query parsing and paging
// ---------------------------------------------------------------------------

function parseIntParam(raw, name, { min, defaultValue }) {
	if (raw === undefined || raw === '') return defaultValue;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min) {
		throw badRequest(`Query parameter '${name}' must be an integer >= ${min}`, name);
	}
	return value;
}

/**
 * Page-number paging: {<key>: [...], pagination: {...}}. next_page and
 * previous_page are present only when such a page exists.
 */
function pagedBody(key, items, query, maxPageSize) {
	const page = parseIntParam(query.page, 'page', { min: 1, defaultValue: 1 });
	const pageSize = Math.min(
		parseIntParam(query.page_size, 'page_size', { min: 1, defaultValue: DEFAULT_PAGE_SIZE }),
		maxPageSize,
	);
	const totalPages = Math.ceil(items.length / pageSize);
	const pagination = {
		page_number: page,
		page_size: pageSize,
		total_count: items.length,
		total_pages: totalPages,
	};
	if (page < totalPages) pagination.next_page = page + 1;
	if (page > 1) pagination.previous_page = page - 1;
	return { [key]: items.slice((page - 1) * pageSize, page * pageSize), pagination };
}

/** Offset paging of events; next_offset = offset + count, so pollers move forward. */
function eventPageBody(events, query, maxLimit) {
	const offset = parseIntParam(query.offset, 'offset', { min: 0, defaultValue: 0 });
	const limit = Math.min(
		parseIntParam(query.limit, 'limit', { min: 1, defaultValue: DEFAULT_EVENT_LIMIT }),
		maxLimit,
	);
	const page = events.slice(offset, offset + limit);
	return {
		events: page,
		count: page.length,
		limit,
		offset,
		next_offset: offset + page.length,
		total_count: events.length,
	};
}

/** `status=A&status=B` and `status=A,B` both work (api-notes section 4). */
function statusFilter(searchParams) {
	const values = searchParams
		.getAll('status')
		.flatMap((v) => v.split(','))
		.map((v) => v.trim().toUpperCase())
		.filter(Boolean);
	const unknown = values.filter((v) => !RUN_STATUSES.includes(v));
	if (unknown.length > 0) {
		throw badRequest(
			`Unknown run status: ${unknown.join(', ')}; expected one of ${RUN_STATUSES.join(', ')}`,
			'status',
		);
	}
	return new Set(values);
}

// ---------------------------------------------------------------------------
// Body validation (field errors are 422 ValidationError; sandbox choice)
// ---------------------------------------------------------------------------

function requireObjectBody(ctx, { optional = false } = {}) {
	if (ctx.body === undefined && optional) return {};
	if (!isPlainObject(ctx.body)) throw invalidField('body', 'Request body must be a JSON object');
	return ctx.body;
}

function checkName(value, field, { required }) {
	if (value === undefined && !required) return;
	if (typeof value !== 'string' || value.length < 1 || value.length > MAX_NAME_CHARS) {
		throw invalidField(field, `'${field}' must be a string of 1 to ${MAX_NAME_CHARS} characters`);
	}
}

function checkOptionalType(body, field, type) {
	const value = body[field];
	if (value === undefined || value === null) return;
	const ok =
		type === 'string[]'
			? Array.isArray(value) && value.every((v) => typeof v === 'string')
			: type === 'object'
				? isPlainObject(value)
				: typeof value === type;
	if (!ok) throw invalidField(field, `'${field}' must be of type ${type}`);
}

function checkMessageFields(message, field) {
	if (!isPlainObject(message)) throw invalidField(field, `'${field}' must be an object`);
	for (const key of ['input', 'output']) {
		if (typeof message[key] !== 'string') {
			throw invalidField(
				`${field}.${key}`,
				`'${field}.${key}' is required and must be a string (a serialised artifact)`,
			);
		}
	}
	checkOptionalType(message, 'metadata', 'object');
}

// ---------------------------------------------------------------------------
// Seed data
// ---------------------------------------------------------------------------

function seedAssistants() {
	const base = (id, name, description) => ({
		assistant_id: id,
		name,
		description,
		organization_id: IDS.organizationId,
		created_at: SEED_TIME,
		updated_at: SEED_TIME,
		created_by: IDS.userIds[0],
		knowledge_base_ids: [],
		ruleset_ids: [],
		structure_ids: [],
		tool_ids: [],
		retriever_ids: [],
	});
	return [
		{
			...base(IDS.assistants[0], 'Support Assistant', 'Answers customer support questions'),
			knowledge_base_ids: ['b0000000-0001-4000-8000-000000000001'],
		},
		// The only one with a default input, so clients meet the optional field (sandbox choice).
		{
			...base(IDS.assistants[1], 'Research Assistant', 'Summarises research topics'),
			input: 'Summarise the topic.',
		},
		{
			...base(IDS.assistants[2], 'Sales Assistant', 'Drafts replies to sales enquiries'),
			ruleset_ids: ['7e1e0000-0001-4000-8000-000000000001'],
		},
	];
}

function seedUsers() {
	return [
		{ user_id: IDS.userIds[0], email: 'ada@example.com', name: 'Ada Sandbox' },
		{ user_id: IDS.userIds[1], email: 'grace@example.com', name: 'Grace Sandbox' },
	].map((u) => ({
		...u,
		organizations: [IDS.organizationId],
		created_at: SEED_TIME,
		updated_at: SEED_TIME,
	}));
}

function seedApiKeys() {
	return [
		{ api_key_id: IDS.apiKeyIds[0], name: 'Default key', created_by: IDS.userIds[0] },
		{ api_key_id: IDS.apiKeyIds[1], name: 'CI key', created_by: IDS.userIds[1] },
	].map((k) => ({
		...k,
		active: true,
		created_at: SEED_TIME,
		last_used: SEED_TIME,
		organization_id: IDS.organizationId,
		updated_at: SEED_TIME,
	}));
}

/** A structure run that is still open: SSE on it stays open until an end event is posted. */
function seedStructureRunEvents() {
	const base = Date.parse(SEED_TIME) / 1000;
	const specs = [
		['StructureRunStarting', 'SYSTEM', { status: 'STARTING' }],
		['StructureRunRunning', 'SYSTEM', { status: 'RUNNING' }],
		[
			'StartStructureRunEvent',
			'USER',
			{ type: 'StartStructureRunEvent', input_task_input: textArtifact('Hello') },
		],
		['TextChunkEvent', 'USER', { type: 'TextChunkEvent', token: 'Hello ', index: 0 }],
		['TextChunkEvent', 'USER', { type: 'TextChunkEvent', token: 'world', index: 1 }],
	];
	return specs.map(([type, origin, payload], i) => ({
		event_id: `e5e00000-000${i + 1}-4000-8000-000000000001`,
		type,
		origin,
		payload,
		timestamp: base + i * 0.25,
		created_at: new Date((base + i * 0.25) * 1000).toISOString(),
		structure_run_id: IDS.structureRunId,
	}));
}

// ---------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------

/**
 * Creates the Griptape module. `env` comes from the generic server:
 * { url (getter: sandbox base URL), sleep(ms) }.
 */
function createGriptapeApi(userOptions, env) {
	const options = mergeOptions(structuredClone(DEFAULT_OPTIONS), userOptions || {});
	const state = {
		assistants: new Map(),
		runs: new Map(),
		events: [],
		threads: new Map(),
		messages: new Map(), // thread_id -> messages, oldest first
		apiKeys: new Map(),
		users: new Map(),
		structureRuns: new Map(),
	};
	const stats = { runsCreated: 0, eventListRequests: 0, streamRequests: 0, cancelled: 0 };
	const secrets = new Map(); // secret value of a key created through the API -> api_key_id
	const timers = new Map(); // assistant_run_id -> pending lifecycle timer
	// Tells open SSE streams about new events, finished runs and resets.
	const bus = new EventEmitter();
	bus.setMaxListeners(0);
	let seq = 0;

	const api = { options, state, stats, secrets, timers, bus, env, nextSeq: () => ++seq };

	function clearTimers() {
		for (const timer of timers.values()) clearTimeout(timer);
		timers.clear();
	}

	function reset() {
		clearTimers();
		bus.emit('reset'); // open streams end: the runs they follow no longer exist
		for (const map of [
			state.assistants,
			state.runs,
			state.threads,
			state.messages,
			state.apiKeys,
			state.users,
		]) {
			map.clear();
		}
		state.structureRuns.clear();
		state.events.length = 0;
		secrets.clear();
		for (const a of seedAssistants())
			state.assistants.set(a.assistant_id, withSeq(a, api.nextSeq()));
		for (const u of seedUsers()) state.users.set(u.user_id, withSeq(u, api.nextSeq()));
		for (const k of seedApiKeys()) state.apiKeys.set(k.api_key_id, withSeq(k, api.nextSeq()));
		state.structureRuns.set(IDS.structureRunId, {
			structure_run_id: IDS.structureRunId,
			created_at: SEED_TIME,
		});
		state.events.push(...seedStructureRunEvents());
		Object.assign(stats, { runsCreated: 0, eventListRequests: 0, streamRequests: 0, cancelled: 0 });
	}
	reset();

	/** Counts every events-list and SSE request, whatever answers it (faults and errors included). */
	function observe(ctx) {
		if (ctx.method !== 'GET' || !ctx.path.startsWith(PREFIX)) return;
		const sub = ctx.path.slice(PREFIX.length);
		if (/^\/(assistant-runs|structure-runs)\/[^/]+\/events$/.test(sub))
			stats.eventListRequests += 1;
		if (/^\/(assistant-runs|structure-runs)\/[^/]+\/events\/stream$/.test(sub))
			stats.streamRequests += 1;
	}

	async function handleApi(ctx) {
		try {
			authenticate(api, ctx);
			const match = findRoute(ctx.method, ctx.subpath);
			if (!match) throw new ApiError(404, `No route for ${ctx.method} ${ctx.path}`);
			if (ctx.bodyError) throw badRequest('Request body is not valid JSON');
			checkAgainstSpec(ctx);
			await match.handler(api, ctx, match.params);
		} catch (error) {
			if (!(error instanceof ApiError)) throw error; // a sandbox bug: the server answers 500
			sendJson(ctx, error.status, error.body);
		}
	}

	const configure = (partial) => mergeOptions(options, partial || {});

	return {
		key: 'griptape',
		mounts: [{ prefix: PREFIX, body: 'json', handle: handleApi }],
		observe,
		reset,
		close: clearTimers,
		configure,
		errorBody: (status, message) => errorBody(status, message),
		statsJson: () => ({ ...stats }),
		publicApi: {
			get baseUrl() {
				return `${env.url}${PREFIX}`;
			},
			ids: IDS,
			options,
			state,
			stats,
			configure,
			/** Creates a run exactly as POST /assistants/{id}/runs does; throws on a bad request. */
			createRun(assistantId, body = {}) {
				return createRunRecord(api, assistantId, body);
			},
		},
	};
}

/** Shallow merge; apiKeys always becomes an array. */
function mergeOptions(target, partial) {
	for (const [key, value] of Object.entries(partial)) {
		if (value === undefined) continue;
		target[key] = key === 'apiKeys' ? (Array.isArray(value) ? [...value] : [value]) : value;
	}
	return target;
}

/** Bearer token from the configured keys, or the secret of a key created through the API. */
function authenticate(api, ctx) {
	const match = /^Bearer\s+(.+)$/i.exec(ctx.headers.authorization || '');
	const token = match ? match[1].trim() : null;
	if (token && api.options.apiKeys.includes(token)) return;
	const createdKey = token && api.state.apiKeys.get(api.secrets.get(token));
	if (createdKey && createdKey.active) {
		createdKey.last_used = now();
		return;
	}
	throw new ApiError(401, 'Invalid or missing API key');
}

// ---------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------

function route(method, pattern, handler) {
	const names = [];
	const source = pattern.replace(/:(\w+)/g, (_, name) => {
		names.push(name);
		return '([^/]+)';
	});
	return { method, regex: new RegExp(`^${source}$`), names, handler };
}

const ROUTES = [
	route('GET', '/assistants', listAssistants),
	route('GET', '/assistants/:assistantId', getAssistant),
	route('POST', '/assistants/:assistantId/runs', createRun),
	route('GET', '/assistants/:assistantId/runs', listRuns),
	route('GET', '/assistant-runs/:runId', getRun),
	route('POST', '/assistant-runs/:runId/cancel', cancelRun),
	route('GET', '/assistant-runs/:runId/events', listRunEvents),
	route('GET', '/assistant-runs/:runId/events/stream', streamRunEvents),
	route('GET', '/events/:eventId', getEvent),
	route('GET', '/structure-runs/:structureRunId/events', listStructureRunEvents),
	route('POST', '/structure-runs/:structureRunId/events', createStructureRunEvents),
	route('GET', '/structure-runs/:structureRunId/events/stream', streamStructureRunEvents),
	route('POST', '/threads', createThread),
	route('GET', '/threads', listThreads),
	route('GET', '/threads/:threadId', getThread),
	route('PATCH', '/threads/:threadId', updateThread),
	route('DELETE', '/threads/:threadId', deleteThread),
	route('GET', '/threads/:threadId/messages', listMessages),
	route('POST', '/threads/:threadId/messages', createMessage),
	route('GET', '/api-keys/:apiKeyId', getApiKey),
	route('PATCH', '/api-keys/:apiKeyId', updateApiKey),
	route('DELETE', '/api-keys/:apiKeyId', deleteApiKey),
	route('GET', '/organizations/:organizationId/api-keys', listOrganizationApiKeys),
	route('POST', '/organizations/:organizationId/api-keys', createOrganizationApiKey),
	route('GET', '/users/:userId/api-keys', listUserApiKeys),
	route('POST', '/users/:userId/api-keys', createUserApiKey),
	route('GET', '/users', listUsers),
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

function byId(map, id, what) {
	const record = map.get(id);
	if (!record) throw notFound(what, id);
	return record;
}

function bySeq(records, { newestFirst }) {
	return [...records].sort((a, b) => (newestFirst ? b._seq - a._seq : a._seq - b._seq));
}

// ---------------------------------------------------------------------------
// Assistants and runs
// ---------------------------------------------------------------------------

function listAssistants(api, ctx) {
	const assistants = bySeq(api.state.assistants.values(), { newestFirst: false });
	sendJson(ctx, 200, pagedBody('assistants', assistants, ctx.query, api.options.maxPageSize));
}

function getAssistant(api, ctx, { assistantId }) {
	sendJson(ctx, 200, byId(api.state.assistants, assistantId, 'Assistant'));
}

function checkRunBody(body) {
	for (const field of ['input', 'thread_id']) checkOptionalType(body, field, 'string');
	for (const field of ['stream', 'new_thread']) checkOptionalType(body, field, 'boolean');
	checkOptionalType(body, 'args', 'string[]');
	for (const field of ID_LIST_FIELDS) {
		checkOptionalType(body, field, 'string[]');
		checkOptionalType(body, `additional_${field}`, 'string[]');
	}
}

/**
 * The run's id lists: `<x>_ids` replaces the assistant's list, `additional_<x>_ids`
 * adds to it (sandbox reading of the field names).
 */
function runIdLists(assistant, body) {
	const lists = {};
	for (const field of ID_LIST_FIELDS) {
		const baseList = body[field] ?? assistant[field] ?? [];
		lists[field] = uniqueStrings([...baseList, ...(body[`additional_${field}`] ?? [])]);
	}
	return lists;
}

/** thread_id wins over new_thread; a given thread must exist. */
function resolveRunThread(api, body, input) {
	if (body.thread_id) return byId(api.state.threads, body.thread_id, 'Thread').thread_id;
	if (body.new_thread === true) {
		const name = input.trim().slice(0, MAX_NAME_CHARS) || 'New thread';
		return insertThread(api, { name }).thread_id;
	}
	return null;
}

function createRunRecord(api, assistantId, rawBody) {
	const body = rawBody === undefined || rawBody === null ? {} : rawBody;
	if (!isPlainObject(body)) throw invalidField('body', 'Request body must be a JSON object');
	checkRunBody(body);
	const assistant = byId(api.state.assistants, assistantId, 'Assistant');
	const input = typeof body.input === 'string' ? body.input : (assistant.input ?? '');
	const threadId = resolveRunThread(api, body, input);
	const timestamp = now();
	const run = withSeq(
		{
			assistant_run_id: crypto.randomUUID(),
			assistant_id: assistant.assistant_id,
			args: body.args ?? [],
			input,
			status: 'QUEUED',
			status_detail: null,
			stream: body.stream ?? false,
			// A string when the run has a thread; absent otherwise (the document has no null here).
			...(threadId ? { thread_id: threadId } : {}),
			...runIdLists(assistant, body),
			output: null,
			created_at: timestamp,
			updated_at: timestamp,
			completed_at: null,
			created_by: IDS.userIds[0],
		},
		api.nextSeq(),
	);
	// The request body as sent, for tests; not part of the JSON.
	Object.defineProperty(run, 'body', { value: structuredClone(body), enumerable: false });
	// The structure run that does the work: its id is on every event of the run (GET /events/{id}
	// requires structure_run_id), and its events can be read as a structure run's too.
	const structureRunId = crypto.randomUUID();
	Object.defineProperty(run, 'structure_run_id', { value: structureRunId, enumerable: false });
	api.state.structureRuns.set(structureRunId, {
		structure_run_id: structureRunId,
		created_at: timestamp,
		assistant_run_id: run.assistant_run_id,
	});
	api.state.runs.set(run.assistant_run_id, run);
	api.stats.runsCreated += 1;
	startLifecycle(api, run);
	return run;
}

function createRun(api, ctx, { assistantId }) {
	const body = requireObjectBody(ctx, { optional: true });
	sendJson(ctx, 201, createRunRecord(api, assistantId, body));
}

function listRuns(api, ctx, { assistantId }) {
	byId(api.state.assistants, assistantId, 'Assistant');
	const statuses = statusFilter(ctx.searchParams);
	const runs = bySeq(api.state.runs.values(), { newestFirst: true }).filter(
		(r) => r.assistant_id === assistantId && (statuses.size === 0 || statuses.has(r.status)),
	);
	sendJson(ctx, 200, pagedBody('assistant_runs', runs, ctx.query, api.options.maxPageSize));
}

function getRun(api, ctx, { runId }) {
	sendJson(ctx, 200, byId(api.state.runs, runId, 'Assistant run'));
}

function cancelRun(api, ctx, { runId }) {
	const run = byId(api.state.runs, runId, 'Assistant run');
	if (TERMINAL_STATUSES.has(run.status)) throw new ApiError(409, `Run is already ${run.status}`);
	stopLifecycle(api, run);
	finishRun(api, run, 'CANCELLED');
	api.stats.cancelled += 1;
	sendJson(ctx, 200, run);
}

// ---------------------------------------------------------------------------
// Run lifecycle: QUEUED -> STARTING -> RUNNING -> tokens -> SUCCEEDED (or FAILED/ERROR/hang)
// ---------------------------------------------------------------------------

/** One pending timer per run; options are read at each step so configure() applies at once. */
function schedule(api, run, delayMs, step) {
	const timer = setTimeout(
		() => {
			api.timers.delete(run.assistant_run_id);
			step();
		},
		Math.max(0, Number(delayMs) || 0),
	);
	api.timers.set(run.assistant_run_id, timer);
}

function stopLifecycle(api, run) {
	clearTimeout(api.timers.get(run.assistant_run_id));
	api.timers.delete(run.assistant_run_id);
}

function setStatus(run, status) {
	run.status = status;
	run.updated_at = now();
}

function startLifecycle(api, run) {
	const { runStepMs } = api.options;
	schedule(api, run, runStepMs, () => {
		setStatus(run, 'STARTING');
		emitRunEvent(api, run, 'StructureRunStarting', 'SYSTEM', { status: 'STARTING' });
		schedule(api, run, api.options.runStepMs, () => startRunning(api, run));
	});
}

function startRunning(api, run) {
	setStatus(run, 'RUNNING');
	emitRunEvent(api, run, 'StructureRunRunning', 'SYSTEM', { status: 'RUNNING' });
	emitRunEvent(api, run, 'StartStructureRunEvent', 'ASSISTANT', {
		structure_id: run.assistant_id,
		input_task_input: textArtifact(run.input),
		input_task_output: null,
	});
	emitRunEvent(api, run, 'StartTaskEvent', 'ASSISTANT', {
		task_id: taskId(run),
		task_input: textArtifact(run.input),
		task_output: null,
	});
	const outcome = runOutcome(run.input);
	if (outcome === 'HANG') return; // stays RUNNING until cancelled
	if (outcome === 'FAILED' || outcome === 'ERROR') {
		schedule(api, run, api.options.tokenDelayMs, () => failRun(api, run, outcome));
		return;
	}
	emitTokens(api, run, splitWords(composeAnswer(run.input)), 0);
}

function emitTokens(api, run, tokens, index) {
	schedule(api, run, api.options.tokenDelayMs, () => {
		if (index >= tokens.length) {
			succeedRun(api, run, tokens.join(''));
			return;
		}
		emitRunEvent(api, run, 'TextChunkEvent', 'ASSISTANT', { token: tokens[index], index });
		emitTokens(api, run, tokens, index + 1);
	});
}

function taskId(run) {
	return `task-${run.assistant_run_id.slice(0, 8)}`;
}

function succeedRun(api, run, answer) {
	const output = textArtifact(answer);
	emitRunEvent(api, run, 'FinishTaskEvent', 'ASSISTANT', {
		task_id: taskId(run),
		task_input: textArtifact(run.input),
		task_output: output,
	});
	emitRunEvent(api, run, 'StructureRunCompleted', 'SYSTEM', { status: 'SUCCEEDED' });
	// Status and output are set before the last event goes out, so a client that
	// stops at FinishStructureRunEvent and then reads the run sees it finished.
	run.output = output;
	appendRunMessage(api, run, output);
	finishRun(api, run, 'SUCCEEDED', () =>
		emitRunEvent(api, run, 'FinishStructureRunEvent', 'ASSISTANT', {
			structure_id: run.assistant_id,
			output_task_input: textArtifact(run.input),
			output_task_output: output,
		}),
	);
}

function failRun(api, run, status) {
	run.status_detail =
		status === 'FAILED'
			? { error: 'Simulated failure', type: 'StructureRunError' }
			: { error: 'Simulated error', type: 'InternalError' };
	emitRunEvent(api, run, 'StructureRunError', 'SYSTEM', { status, ...run.status_detail });
	finishRun(api, run, status);
}

/** Terminal status; `lastEvents` runs between the status change and the 'runEnded' notice. */
function finishRun(api, run, status, lastEvents) {
	setStatus(run, status);
	run.completed_at = run.updated_at;
	if (lastEvents) lastEvents();
	api.bus.emit('runEnded', run.assistant_run_id);
}

/** A finished run on a thread adds one message: the input and answer as serialised artifacts. */
function appendRunMessage(api, run, output) {
	const thread = run.thread_id && api.state.threads.get(run.thread_id);
	if (!thread) return; // no thread, or deleted meanwhile
	insertMessage(api, thread, {
		input: JSON.stringify(textArtifact(run.input)),
		output: JSON.stringify(output),
		metadata: { assistant_run_id: run.assistant_run_id },
	});
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

/** timestamp: epoch seconds as a float; posted events keep the one they were sent with. */
function makeEvent(type, origin, payload, owner, timestampSeconds) {
	return {
		event_id: crypto.randomUUID(),
		type,
		origin,
		payload,
		timestamp: timestampSeconds ?? Date.now() / 1000,
		created_at: now(),
		...owner,
	};
}

function emitRunEvent(api, run, type, origin, details) {
	// Payloads of the assistant's own events repeat the event type, as serialised Griptape events do.
	const payload = origin === 'ASSISTANT' ? { type, ...details } : details;
	const event = makeEvent(type, origin, payload, {
		assistant_run_id: run.assistant_run_id,
		structure_run_id: run.structure_run_id,
	});
	api.state.events.push(event);
	api.bus.emit('event', event);
	return event;
}

function runEvents(api, runId) {
	return api.state.events.filter((e) => e.assistant_run_id === runId);
}

function structureRunEvents(api, structureRunId) {
	return api.state.events.filter((e) => e.structure_run_id === structureRunId);
}

function listRunEvents(api, ctx, { runId }) {
	byId(api.state.runs, runId, 'Assistant run');
	sendJson(ctx, 200, eventPageBody(runEvents(api, runId), ctx.query, api.options.maxEventPageSize));
}

function listStructureRunEvents(api, ctx, { structureRunId }) {
	byId(api.state.structureRuns, structureRunId, 'Structure run');
	sendJson(
		ctx,
		200,
		eventPageBody(structureRunEvents(api, structureRunId), ctx.query, api.options.maxEventPageSize),
	);
}

function getEvent(api, ctx, { eventId }) {
	const event = api.state.events.find((e) => e.event_id === eventId);
	if (!event) throw notFound('Event', eventId);
	sendJson(ctx, 200, event);
}

function checkPostedEvents(body) {
	if (!isPlainObject(body) || !Array.isArray(body.events))
		throw badRequest("'events' must be an array", 'events');
	body.events.forEach((event, i) => {
		const field = `events[${i}]`;
		if (!isPlainObject(event)) throw badRequest(`'${field}' must be an object`, field);
		if (
			typeof event.type !== 'string' ||
			event.type.length < 1 ||
			event.type.length > MAX_NAME_CHARS
		) {
			throw badRequest(
				`'${field}.type' must be a string of 1 to ${MAX_NAME_CHARS} characters`,
				`${field}.type`,
			);
		}
		if (typeof event.timestamp !== 'number' || !Number.isFinite(event.timestamp)) {
			throw badRequest(
				`'${field}.timestamp' must be a number (epoch seconds)`,
				`${field}.timestamp`,
			);
		}
	});
}

/** 202 with no body. Posted events get origin USER (sandbox choice). */
function createStructureRunEvents(api, ctx, { structureRunId }) {
	byId(api.state.structureRuns, structureRunId, 'Structure run');
	checkPostedEvents(ctx.body);
	for (const posted of ctx.body.events) {
		const event = makeEvent(
			posted.type,
			'USER',
			posted.payload === undefined ? {} : posted.payload,
			{ structure_run_id: structureRunId },
			posted.timestamp,
		);
		api.state.events.push(event);
		api.bus.emit('event', event);
	}
	sendEmpty(ctx, 202);
}

// ---------------------------------------------------------------------------
// SSE
// ---------------------------------------------------------------------------

/**
 * One SSE message per event. Some carry an extra `id:` or `event: message`
 * field line, so clients prove they keep only the data lines.
 */
function sseChunk(event, index) {
	const lines = [];
	if (index % 3 === 1) lines.push(`id: ${index}`);
	if (index % 4 === 2) lines.push('event: message');
	lines.push(`data: ${JSON.stringify(event)}`);
	return `${lines.join('\n')}\n\n`;
}

/**
 * Streams the events of one run: those so far, then new ones as they come.
 * The server closes the response when `isDone()` turns true (no end marker).
 * Faults: cutStream {afterChunks} destroys the socket after that many events;
 * malformedLine {afterChunks} sends one broken data line after that many.
 */
function streamEvents(api, ctx, { existing, belongs, isDone, endsOn }) {
	const stream = openStream(ctx, {
		contentType: 'text/event-stream',
		malformedChunk: 'data: {"event_id": this line is not JSON\n\n',
	});
	// Written around the counter, so cutStream's afterChunks counts events only.
	if (!stream.closed) ctx.res.write(': connected\n\n');
	let index = 0;
	const send = (event) => {
		if (ctx.onStreamEvent) ctx.onStreamEvent(event);
		return stream.write(sseChunk(event, index++));
	};

	for (const event of existing) if (!send(event)) return;
	if (isDone()) {
		stream.end();
		return;
	}

	const onEvent = (event) => {
		if (!belongs(event)) return;
		if (!send(event)) cleanup();
		else if (endsOn(event)) finish();
	};
	const onRunEnded = (runId) => {
		if (isDone(runId)) finish();
	};
	const finish = () => {
		cleanup();
		stream.end();
	};
	function cleanup() {
		api.bus.off('event', onEvent);
		api.bus.off('runEnded', onRunEnded);
		api.bus.off('reset', finish);
	}
	api.bus.on('event', onEvent);
	api.bus.on('runEnded', onRunEnded);
	api.bus.on('reset', finish);
	ctx.res.on('close', cleanup);
}

function streamRunEvents(api, ctx, { runId }) {
	const run = byId(api.state.runs, runId, 'Assistant run');
	streamEvents(api, ctx, {
		existing: runEvents(api, runId),
		belongs: (event) => event.assistant_run_id === runId,
		isDone: () => TERMINAL_STATUSES.has(run.status),
		endsOn: () => false, // the 'runEnded' notice closes it
	});
}

/** Stays open until an end event (STRUCTURE_END_EVENTS) has been posted to the run. */
function streamStructureRunEvents(api, ctx, { structureRunId }) {
	byId(api.state.structureRuns, structureRunId, 'Structure run');
	const existing = structureRunEvents(api, structureRunId);
	const ended = existing.some((e) => STRUCTURE_END_EVENTS.has(e.type));
	streamEvents(api, ctx, {
		existing,
		belongs: (event) => event.structure_run_id === structureRunId,
		isDone: () => ended,
		endsOn: (event) => STRUCTURE_END_EVENTS.has(event.type),
	});
}

// ---------------------------------------------------------------------------
// Threads and messages
// ---------------------------------------------------------------------------

function checkAliasFree(api, alias, ownThreadId) {
	if (alias === undefined || alias === null || api.options.uniqueAliases === false) return;
	// Aliases are unique, so a thread can be found by alias (sandbox choice, unverified).
	const taken = [...api.state.threads.values()].some(
		(t) => t.alias === alias && t.thread_id !== ownThreadId,
	);
	if (taken) throw new ApiError(409, `A thread with alias '${alias}' already exists`);
}

function checkThreadBody(api, body, { creating, threadId }) {
	checkName(body.name, 'name', { required: creating });
	if (body.alias !== undefined && body.alias !== null)
		checkName(body.alias, 'alias', { required: false });
	checkOptionalType(body, 'metadata', 'object');
	if (body.messages !== undefined) {
		if (!Array.isArray(body.messages))
			throw invalidField('messages', "'messages' must be an array");
		body.messages.forEach((m, i) => checkMessageFields(m, `messages[${i}]`));
	}
	checkAliasFree(api, body.alias, threadId);
}

function insertThread(api, { name, alias = null, metadata = {} }) {
	const timestamp = now();
	const thread = withSeq(
		{
			thread_id: crypto.randomUUID(),
			name,
			// A string when set; absent otherwise (the document has no null here).
			...(alias === null || alias === undefined ? {} : { alias }),
			metadata,
			created_at: timestamp,
			updated_at: timestamp,
			created_by: IDS.userIds[0],
			message_count: 0,
		},
		api.nextSeq(),
	);
	api.state.threads.set(thread.thread_id, thread);
	api.state.messages.set(thread.thread_id, []);
	return thread;
}

function insertMessage(api, thread, { input, output, metadata }) {
	const timestamp = now();
	const message = withSeq(
		{
			message_id: crypto.randomUUID(),
			thread_id: thread.thread_id,
			input,
			output,
			metadata: metadata ?? {},
			created_at: timestamp,
			updated_at: timestamp,
		},
		api.nextSeq(),
	);
	api.state.messages.get(thread.thread_id).push(message);
	thread.message_count = api.state.messages.get(thread.thread_id).length;
	thread.updated_at = timestamp;
	return message;
}

function createThread(api, ctx) {
	const body = requireObjectBody(ctx);
	checkThreadBody(api, body, { creating: true });
	const thread = insertThread(api, {
		name: body.name,
		alias: body.alias ?? null,
		metadata: body.metadata ?? {},
	});
	for (const m of body.messages || []) insertMessage(api, thread, m);
	sendJson(ctx, 201, thread);
}

function listThreads(api, ctx) {
	const { alias, starts_with: startsWith, created_by: createdBy } = ctx.query;
	const threads = bySeq(api.state.threads.values(), { newestFirst: true }).filter(
		(t) =>
			(!alias || t.alias === alias) &&
			(!startsWith || t.name.startsWith(startsWith)) &&
			(!createdBy || t.created_by === createdBy),
	);
	sendJson(ctx, 200, pagedBody('threads', threads, ctx.query, api.options.maxPageSize));
}

function getThread(api, ctx, { threadId }) {
	sendJson(ctx, 200, byId(api.state.threads, threadId, 'Thread'));
}

/** name, alias, metadata replace their fields; `messages` replaces all messages. */
function updateThread(api, ctx, { threadId }) {
	const thread = byId(api.state.threads, threadId, 'Thread');
	const body = requireObjectBody(ctx, { optional: true });
	checkThreadBody(api, body, { creating: false, threadId });
	for (const field of ['name', 'alias', 'metadata']) {
		if (body[field] !== undefined) thread[field] = body[field];
	}
	if (body.messages !== undefined) {
		api.state.messages.set(thread.thread_id, []);
		thread.message_count = 0;
		for (const m of body.messages) insertMessage(api, thread, m);
	}
	thread.updated_at = now();
	sendJson(ctx, 200, thread);
}

function deleteThread(api, ctx, { threadId }) {
	byId(api.state.threads, threadId, 'Thread');
	api.state.threads.delete(threadId);
	api.state.messages.delete(threadId);
	sendEmpty(ctx, 204);
}

function listMessages(api, ctx, { threadId }) {
	const thread = byId(api.state.threads, threadId, 'Thread');
	const messages = bySeq(api.state.messages.get(thread.thread_id), { newestFirst: false });
	sendJson(ctx, 200, pagedBody('messages', messages, ctx.query, api.options.maxPageSize));
}

function createMessage(api, ctx, { threadId }) {
	const thread = byId(api.state.threads, threadId, 'Thread');
	const body = requireObjectBody(ctx);
	checkMessageFields(body, 'body');
	sendJson(ctx, 201, insertMessage(api, thread, body));
}

// ---------------------------------------------------------------------------
// API keys and users
// ---------------------------------------------------------------------------

function getApiKey(api, ctx, { apiKeyId }) {
	sendJson(ctx, 200, byId(api.state.apiKeys, apiKeyId, 'API key'));
}

function updateApiKey(api, ctx, { apiKeyId }) {
	const key = byId(api.state.apiKeys, apiKeyId, 'API key');
	const body = requireObjectBody(ctx, { optional: true });
	checkName(body.name, 'name', { required: false });
	if (body.name !== undefined) key.name = body.name;
	key.updated_at = now();
	sendJson(ctx, 200, key);
}

function deleteApiKey(api, ctx, { apiKeyId }) {
	byId(api.state.apiKeys, apiKeyId, 'API key');
	api.state.apiKeys.delete(apiKeyId);
	for (const [secret, id] of api.secrets) if (id === apiKeyId) api.secrets.delete(secret);
	sendEmpty(ctx, 204);
}

/** 201 with the key and, only this once, its secret `value`. */
function insertApiKey(api, ctx, { createdBy, organizationId }) {
	const body = requireObjectBody(ctx);
	checkName(body.name, 'name', { required: true });
	const timestamp = now();
	const key = withSeq(
		{
			api_key_id: crypto.randomUUID(),
			name: body.name,
			active: true,
			created_at: timestamp,
			created_by: createdBy,
			// Required by the schema although never used yet; the creation time stands in (sandbox choice).
			last_used: timestamp,
			organization_id: organizationId,
			updated_at: timestamp,
		},
		api.nextSeq(),
	);
	const value = `gt-sandbox-${crypto.randomBytes(18).toString('base64url')}`;
	api.state.apiKeys.set(key.api_key_id, key);
	api.secrets.set(value, key.api_key_id);
	sendJson(ctx, 201, { ...key, value });
}

function listKeys(api, ctx, predicate) {
	const keys = bySeq(api.state.apiKeys.values(), { newestFirst: false }).filter(predicate);
	sendJson(ctx, 200, pagedBody('api_keys', keys, ctx.query, api.options.maxPageSize));
}

function checkOrganization(organizationId) {
	if (organizationId !== IDS.organizationId) throw notFound('Organization', organizationId);
}

function listOrganizationApiKeys(api, ctx, { organizationId }) {
	checkOrganization(organizationId);
	listKeys(api, ctx, (k) => k.organization_id === organizationId);
}

function createOrganizationApiKey(api, ctx, { organizationId }) {
	checkOrganization(organizationId);
	insertApiKey(api, ctx, { createdBy: IDS.userIds[0], organizationId });
}

function listUserApiKeys(api, ctx, { userId }) {
	byId(api.state.users, userId, 'User');
	listKeys(api, ctx, (k) => k.created_by === userId);
}

function createUserApiKey(api, ctx, { userId }) {
	const user = byId(api.state.users, userId, 'User');
	insertApiKey(api, ctx, { createdBy: userId, organizationId: user.organizations[0] });
}

/** The document's ListUsers takes no parameters and answers `{users}`: one unpaged list. */
function listUsers(api, ctx) {
	sendJson(ctx, 200, { users: bySeq(api.state.users.values(), { newestFirst: false }) });
}

module.exports = {
	createGriptapeApi,
	GRIPTAPE_PREFIX: PREFIX,
	GRIPTAPE_IDS: IDS,
	composeAnswer,
};
