'use strict';

/**
 * Sandbox module for an OpenAI-Assistants-v2-compatible server, mounted at
 * /openai/v1 (the hosted OpenAI Assistants API is gone, compatible servers keep
 * the wire format, so clients take a configurable base URL).
 *
 * Stateful and deterministic: a run's answer depends only on the last user
 * message of its thread, and runs move through their statuses on timers
 * started at creation, so pollers and SSE readers can be tested against it.
 * Behaviour follows /work/shared/api-notes.md section 2 and seed 002; choices
 * the public documentation does not settle are marked "(sandbox choice)" and
 * listed in README.md.
 *
 * Last user message markers: "[fail]" -> failed, "[hang]" -> in_progress
 * forever, "weather" (with a get_weather function tool) -> requires_action.
 * Checked in that order. Files attached to it for file_search, on a run that
 * has the file_search tool, are cited: a marker per file at the end of the
 * answer, with its file_citation annotation (spec: MessageContentTextAnnotations-
 * FileCitationObject, MessageDeltaContentTextAnnotationsFileCitationObject).
 */

const crypto = require('crypto');
const { EventEmitter } = require('events');
const { sendJson, openStream } = require('./http');
const {
	checkContext,
	checkAnswers,
	primaryError,
	formatPath,
	valueAt,
	recordResponseErrors,
} = require('./spec');

const PREFIX = '/openai/v1';

// Fixed ids for the seeds, so tests and n8n credentials can name them across restarts.
const IDS = Object.freeze({
	assistant: 'asst_sbxPlainAssistant0000001',
	toolAssistant: 'asst_sbxToolAssistant00000001',
});

const SEED_TIME = 1736931600; // 2025-01-15T09:00:00Z, unix seconds
const MODEL = 'gpt-4o';
const FIXED_SENTENCE = 'This is a fixed reply from the local OpenAI Assistants sandbox, for tests.';
const WEATHER_TOOL = 'get_weather';
const WEATHER_ARGUMENTS = '{"city":"Berlin"}';
// Real runs expire after 10 minutes; only shown in expires_at, never enforced here.
const RUN_EXPIRY_SECONDS = 600;

const LIMITS = Object.freeze({
	metadataPairs: 16,
	metadataKeyChars: 64,
	metadataValueChars: 512,
	codeInterpreterFiles: 20,
	vectorStoreIds: 1,
	vectorStores: 1,
	vectorStoreFiles: 10000,
	pageMin: 1,
	pageMax: 100,
	pageDefault: 20,
});

const ACTIVE_STATUSES = new Set(['queued', 'in_progress', 'requires_action', 'cancelling']);
const CANCELLABLE_STATUSES = new Set(['queued', 'in_progress', 'requires_action']);
// After one of these the stream sends `done` and closes (requires_action waits for tool outputs).
const STREAM_END_EVENTS = new Set([
	'thread.run.completed',
	'thread.run.failed',
	'thread.run.cancelled',
	'thread.run.expired',
	'thread.run.incomplete',
	'thread.run.requires_action',
]);

const DEFAULT_OPTIONS = Object.freeze({
	apiKeys: ['sandbox-openai-key'],
	runStepMs: 20,
	tokenDelayMs: 5,
	maxPageSize: 100,
});

// ---------------------------------------------------------------------------
// Errors: OpenAI's {error: {message, type, param, code}} shape
// ---------------------------------------------------------------------------

const ERROR_TYPES = {
	401: 'invalid_request_error',
	403: 'invalid_request_error',
	404: 'invalid_request_error',
	409: 'invalid_request_error',
	413: 'invalid_request_error',
	429: 'requests',
	500: 'server_error',
	502: 'server_error',
	503: 'server_error',
	504: 'server_error',
};

// What status faults without a body and the server's own errors say (wording of the real API).
const DEFAULT_ERRORS = {
	429: ['Rate limit reached for requests', 'rate_limit_exceeded'],
	500: ['The server had an error while processing your request. Sorry about that!', null],
	503: ['The engine is currently overloaded, please try again later', null],
};

function errorBody(status, message, param = null, code = null) {
	const type = ERROR_TYPES[status] || (status < 500 ? 'invalid_request_error' : 'server_error');
	const [defaultMessage, defaultCode] = DEFAULT_ERRORS[status] || [`HTTP ${status}`, null];
	return {
		error: {
			message: message || defaultMessage,
			type,
			param,
			code: code ?? (message ? null : defaultCode),
		},
	};
}

class ApiError extends Error {
	constructor(status, message, param = null, code = null) {
		super(message);
		this.status = status;
		this.body = errorBody(status, message, param, code);
	}
}

const badRequest = (message, param = null, code = null) => new ApiError(400, message, param, code);
const notFound = (what, id) => new ApiError(404, `No ${what} found with id '${id}'.`);
const missing = (param) =>
	badRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');

function typeName(value) {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const invalidType = (param, expected, value) =>
	badRequest(
		`Invalid type for '${param}': expected ${expected}, but got ${typeName(value)} instead.`,
		param,
		'invalid_type',
	);

const invalidValue = (param, value, allowed) =>
	badRequest(
		`Invalid value: '${value}'. Supported values are: ${allowed.map((a) => `'${a}'`).join(' and ')}.`,
		param,
		'invalid_value',
	);

const arrayTooLong = (param, max, length) =>
	badRequest(
		`Invalid '${param}': array too long. Expected an array with maximum length ${max}, but got an array with length ${length} instead.`,
		param,
		'array_above_max_length',
	);

// ---------------------------------------------------------------------------
// The vendor's document: every request checked, every answer and streamed event recorded
// against it (specs/openai-assistants.yaml, see spec.js)
// ---------------------------------------------------------------------------

function expectedTypes(types) {
	const names = {
		string: 'a string',
		integer: 'an integer',
		number: 'a number',
		boolean: 'a boolean',
		object: 'an object',
		array: 'an array',
	};
	const list = [].concat(types).map((t) => names[t] || t);
	return list.length > 1
		? `one of ${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`
		: list[0];
}

/** The first error the document finds, in the words and codes the real API uses for it. */
function specRejection(check, ctx) {
	const e = primaryError(check.errors);
	const param = formatPath(e.path) || null;
	const value =
		e.in === 'query' ? ctx.searchParams.get(String(e.path[0])) : valueAt(ctx.body, e.path);
	const limit = e.params.limit;
	const numberKind = e.schemaType === 'integer' ? 'integer' : 'decimal';
	switch (e.keyword) {
		case 'additionalProperties':
			return badRequest(`Unknown parameter: '${param}'.`, param, 'unknown_parameter');
		case 'required':
			return param
				? missing(param)
				: badRequest('A JSON body is required.', null, 'missing_required_parameter');
		case 'type':
			return invalidType(param || 'body', expectedTypes(e.params.type), value);
		case 'enum':
			return invalidValue(param, value, e.params.allowedValues);
		case 'maximum':
		case 'exclusiveMaximum':
			return badRequest(
				`Invalid '${param}': ${numberKind} above maximum value. Expected a value <= ${limit}, but got ${value} instead.`,
				param,
				`${numberKind}_above_max_value`,
			);
		case 'minimum':
		case 'exclusiveMinimum':
			return badRequest(
				`Invalid '${param}': ${numberKind} below minimum value. Expected a value >= ${limit}, but got ${value} instead.`,
				param,
				`${numberKind}_below_min_value`,
			);
		case 'maxItems':
			return arrayTooLong(param, limit, value.length);
		case 'minItems':
			return badRequest(
				`Invalid '${param}': ${value.length === 0 ? 'empty array' : 'array too short'}. Expected an array with minimum length ${limit}, but got ${value.length === 0 ? 'an empty array' : `an array with length ${value.length}`} instead.`,
				param,
				value.length === 0 ? 'empty_array' : 'array_below_min_length',
			);
		case 'maxLength':
			return badRequest(
				`Invalid '${param}': string too long. Expected a string with maximum length ${limit}, but got a string with length ${value.length} instead.`,
				param,
				'string_above_max_length',
			);
		case 'minLength':
			return badRequest(
				`Invalid '${param}': string too short. Expected a string with minimum length ${limit}, but got a string with length ${value.length} instead.`,
				param,
				'string_below_min_length',
			);
		default:
			return badRequest(`Invalid value for '${param}': ${e.message}.`, param, 'invalid_value');
	}
}

/**
 * The document types a list's first_id and last_id as strings; the real API sends null for an
 * empty list (seen by client authors, e.g. tjardoo/openai-client#59), and so does the sandbox.
 * That one known difference is not reported.
 */
function emptyListCursor(error, body) {
	return (
		error.path.length === 1 &&
		['first_id', 'last_id'].includes(error.path[0]) &&
		body &&
		Array.isArray(body.data) &&
		body.data.length === 0 &&
		body[error.path[0]] === null
	);
}

/**
 * Checks the request against the document (400 invalid_request_error when it is not allowed,
 * before any state changes) and has every JSON answer of it checked against the operation's
 * response schema (errors against ErrorResponse); findings go to the request log (`spec`).
 */
function checkAgainstSpec(ctx) {
	// The API refuses unknown parameters at any depth ("Unknown parameter: 'a.b'"), not only
	// where the document writes additionalProperties: false: a body field the document does
	// not name is an error here, not just undocumented (query parameters stay notes).
	const { spec, check } = checkContext(ctx, 'openai', { unknownBodyFieldsAreErrors: true });
	if (!check) return;
	checkAnswers(ctx, spec, check, (status) =>
		status >= 400
			? { key: 'component:ErrorResponse', schema: { $ref: '#/components/schemas/ErrorResponse' } }
			: spec.responseSchema(check.operation, status) && {
					...spec.responseSchema(check.operation, status),
					ignore: emptyListCursor,
				},
	);
	// Each streamed event as AssistantStreamEvent describes it (`done` carries "[DONE]").
	ctx.onStreamEvent = (event, data) => {
		let parsed = data;
		try {
			parsed = JSON.parse(data);
		} catch {
			// "[DONE]" and broken lines stay text
		}
		recordResponseErrors(
			ctx,
			`event ${event}`,
			spec.checkComponent('AssistantStreamEvent', { event, data: parsed }),
		);
	};
	if (check.errors.length > 0) throw specRejection(check, ctx);
}

// ---------------------------------------------------------------------------
// Small pure helpers
// ---------------------------------------------------------------------------

function nowSeconds() {
	return Math.floor(Date.now() / 1000);
}

function isPlainObject(value) {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Hidden creation sequence number: orders lists (created_at has only second resolution). */
function withSeq(record, seq) {
	Object.defineProperty(record, '_seq', { value: seq, enumerable: false });
	return record;
}

/** Hidden per-record state (timers' bookkeeping), kept out of the JSON. */
function hide(record, key, value) {
	Object.defineProperty(record, key, { value, enumerable: false, writable: true });
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `<prefix>_` + 24 random alphanumerics, the shape OpenAI ids have. */
function newId(prefix) {
	const bytes = crypto.randomBytes(24);
	let suffix = '';
	for (const byte of bytes) suffix += ID_ALPHABET[byte % ID_ALPHABET.length];
	return `${prefix}_${suffix}`;
}

/** Words with their trailing whitespace: the deltas joined give the answer back exactly. */
function splitWords(text) {
	return text.match(/\S+\s*/g) || [];
}

function countWords(text) {
	return splitWords(text).length;
}

/** Text of a message: its text parts, joined by a space. */
function messageText(message) {
	return message.content
		.filter((part) => part.type === 'text')
		.map((part) => part.text.value)
		.join(' ');
}

function composeAnswer(question) {
	let text =
		String(question || '')
			.replace(/\s+/g, ' ')
			.trim() || '(empty message)';
	// A full stop after a bare question keeps the answer readable (sandbox choice).
	if (!/[.?!]$/.test(text)) text += '.';
	return `OpenAI-style answer to: ${text} ${FIXED_SENTENCE}`;
}

function composeToolAnswer(outputs) {
	return `The weather tool said: ${outputs.join('; ')}.`;
}

// ---------------------------------------------------------------------------
// Validation (400 invalid_request_error with a `param`, as the real API answers)
// ---------------------------------------------------------------------------

function requireObjectBody(ctx, { optional }) {
	if (ctx.body === undefined && optional) return {};
	if (!isPlainObject(ctx.body)) throw invalidType('body', 'an object', ctx.body);
	return ctx.body;
}

function checkMetadata(value, param) {
	if (value === undefined || value === null) return;
	if (!isPlainObject(value)) throw invalidType(param, 'an object', value);
	const entries = Object.entries(value);
	if (entries.length > LIMITS.metadataPairs) {
		throw badRequest(
			`Invalid '${param}': too many properties. Expected an object with at most ${LIMITS.metadataPairs} properties, but got an object with ${entries.length} properties instead.`,
			param,
			'object_above_max_properties',
		);
	}
	for (const [key, item] of entries) {
		if (key.length > LIMITS.metadataKeyChars) {
			throw badRequest(
				`Invalid '${param}': key too long. Expected a key with maximum length ${LIMITS.metadataKeyChars}, but got a key with length ${key.length} instead.`,
				param,
				'string_above_max_length',
			);
		}
		const itemParam = `${param}.${key}`;
		if (typeof item !== 'string') throw invalidType(itemParam, 'a string', item);
		if (item.length > LIMITS.metadataValueChars) {
			throw badRequest(
				`Invalid '${itemParam}': string too long. Expected a string with maximum length ${LIMITS.metadataValueChars}, but got a string with length ${item.length} instead.`,
				itemParam,
				'string_above_max_length',
			);
		}
	}
}

function checkStringArray(value, param, max) {
	if (value === undefined || value === null) return;
	if (!Array.isArray(value)) throw invalidType(param, 'an array', value);
	value.forEach((item, i) => {
		if (typeof item !== 'string') throw invalidType(`${param}[${i}]`, 'a string', item);
	});
	if (value.length > max) throw arrayTooLong(param, max, value.length);
}

function checkOptionalObject(value, param) {
	if (value !== undefined && value !== null && !isPlainObject(value))
		throw invalidType(param, 'an object', value);
}

function checkToolResources(value, param) {
	if (value === undefined || value === null) return;
	checkOptionalObject(value, param);
	const ci = value.code_interpreter;
	checkOptionalObject(ci, `${param}.code_interpreter`);
	if (ci)
		checkStringArray(
			ci.file_ids,
			`${param}.code_interpreter.file_ids`,
			LIMITS.codeInterpreterFiles,
		);
	const fs = value.file_search;
	checkOptionalObject(fs, `${param}.file_search`);
	if (!fs) return;
	checkStringArray(
		fs.vector_store_ids,
		`${param}.file_search.vector_store_ids`,
		LIMITS.vectorStoreIds,
	);
	const stores = fs.vector_stores;
	if (stores === undefined || stores === null) return;
	const storesParam = `${param}.file_search.vector_stores`;
	if (!Array.isArray(stores)) throw invalidType(storesParam, 'an array', stores);
	if (stores.length > LIMITS.vectorStores)
		throw arrayTooLong(storesParam, LIMITS.vectorStores, stores.length);
	stores.forEach((store, i) => {
		const storeParam = `${storesParam}[${i}]`;
		if (!isPlainObject(store)) throw invalidType(storeParam, 'an object', store);
		checkStringArray(store.file_ids, `${storeParam}.file_ids`, LIMITS.vectorStoreFiles);
		checkMetadata(store.metadata, `${storeParam}.metadata`);
		checkOptionalObject(store.chunking_strategy, `${storeParam}.chunking_strategy`);
	});
}

/**
 * tool_resources as the thread object shows them. The vector_stores helper
 * creates a vector store, so only its new id appears (as the real API does).
 */
function normaliseToolResources(value) {
	const result = {};
	if (!value) return result;
	if (value.code_interpreter)
		result.code_interpreter = { file_ids: [...(value.code_interpreter.file_ids || [])] };
	if (value.file_search) {
		const created = (value.file_search.vector_stores || []).map(() => newId('vs'));
		result.file_search = {
			vector_store_ids: [...(value.file_search.vector_store_ids || []), ...created],
		};
	}
	return result;
}

const PART_TYPES = ['text', 'image_url', 'image_file'];
const ATTACHMENT_TOOLS = ['code_interpreter', 'file_search'];

/** One content part as stored: text parts get the {value, annotations} wrapper. */
function contentPart(part, param) {
	if (!isPlainObject(part)) throw invalidType(param, 'an object', part);
	if (!PART_TYPES.includes(part.type)) throw invalidValue(`${param}.type`, part.type, PART_TYPES);
	if (part.type === 'text') {
		if (typeof part.text !== 'string') throw invalidType(`${param}.text`, 'a string', part.text);
		return { type: 'text', text: { value: part.text, annotations: [] } };
	}
	const inner = part[part.type];
	const field = part.type === 'image_url' ? 'url' : 'file_id';
	if (!isPlainObject(inner) || typeof inner[field] !== 'string') {
		throw missing(`${param}.${part.type}.${field}`);
	}
	return {
		type: part.type,
		[part.type]: { [field]: inner[field], detail: inner.detail ?? 'auto' },
	};
}

function checkAttachments(value, param) {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) throw invalidType(param, 'an array', value);
	return value.map((attachment, i) => {
		const itemParam = `${param}[${i}]`;
		if (!isPlainObject(attachment)) throw invalidType(itemParam, 'an object', attachment);
		if (typeof attachment.file_id !== 'string') throw missing(`${itemParam}.file_id`);
		const tools = attachment.tools ?? [];
		if (!Array.isArray(tools)) throw invalidType(`${itemParam}.tools`, 'an array', tools);
		tools.forEach((tool, j) => {
			if (!isPlainObject(tool) || !ATTACHMENT_TOOLS.includes(tool.type)) {
				throw invalidValue(`${itemParam}.tools[${j}].type`, tool && tool.type, ATTACHMENT_TOOLS);
			}
		});
		return { file_id: attachment.file_id, tools: tools.map((t) => ({ type: t.type })) };
	});
}

/**
 * Validates a message as sent (POST messages, thread.messages, additional_messages);
 * `prefix` names it in params ('' or 'messages[0].'). Returns the stored fields.
 */
function parseMessageInput(input, prefix) {
	if (!isPlainObject(input))
		throw invalidType(prefix.replace(/\.$/, '') || 'body', 'an object', input);
	if (input.role === undefined) throw missing(`${prefix}role`);
	if (!['user', 'assistant'].includes(input.role))
		throw invalidValue(`${prefix}role`, input.role, ['user', 'assistant']);
	const contentParam = `${prefix}content`;
	let content;
	if (input.content === undefined || input.content === null) throw missing(contentParam);
	if (typeof input.content === 'string') {
		content = [{ type: 'text', text: { value: input.content, annotations: [] } }];
	} else if (Array.isArray(input.content)) {
		if (input.content.length === 0) {
			throw badRequest(
				`Invalid '${contentParam}': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
				contentParam,
				'empty_array',
			);
		}
		content = input.content.map((part, i) => contentPart(part, `${contentParam}[${i}]`));
	} else {
		throw invalidType(contentParam, 'one of a string or array of objects', input.content);
	}
	checkMetadata(input.metadata, `${prefix}metadata`);
	return {
		role: input.role,
		content,
		attachments: checkAttachments(input.attachments, `${prefix}attachments`),
		metadata: input.metadata ?? {},
	};
}

function parseMessageList(value, param) {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) throw invalidType(param, 'an array', value);
	return value.map((m, i) => parseMessageInput(m, `${param}[${i}].`));
}

/** Thread fields of POST /threads (prefix '') and of POST /threads/runs' `thread` (prefix 'thread.'). */
function parseThreadInput(body, prefix) {
	const messages = parseMessageList(body.messages, `${prefix}messages`);
	checkMetadata(body.metadata, `${prefix}metadata`);
	checkToolResources(body.tool_resources, `${prefix}tool_resources`);
	return { messages, metadata: body.metadata ?? {}, tool_resources: body.tool_resources };
}

const TOOL_TYPES = ['code_interpreter', 'file_search', 'function'];

function checkTools(value, param) {
	if (value === undefined || value === null) return;
	if (!Array.isArray(value)) throw invalidType(param, 'an array', value);
	if (value.length > 128) throw arrayTooLong(param, 128, value.length);
	value.forEach((tool, i) => {
		const toolParam = `${param}[${i}]`;
		if (!isPlainObject(tool)) throw invalidType(toolParam, 'an object', tool);
		if (!TOOL_TYPES.includes(tool.type))
			throw invalidValue(`${toolParam}.type`, tool.type, TOOL_TYPES);
		if (
			tool.type === 'function' &&
			!(isPlainObject(tool.function) && typeof tool.function.name === 'string')
		) {
			throw missing(`${toolParam}.function.name`);
		}
	});
}

function checkOptionalString(value, param) {
	if (value !== undefined && value !== null && typeof value !== 'string')
		throw invalidType(param, 'a string', value);
}

/** Run fields shared by POST /threads/{id}/runs and POST /threads/runs. */
function checkRunBody(body) {
	if (body.assistant_id === undefined || body.assistant_id === null) throw missing('assistant_id');
	if (typeof body.assistant_id !== 'string')
		throw invalidType('assistant_id', 'a string', body.assistant_id);
	for (const field of ['model', 'instructions', 'additional_instructions'])
		checkOptionalString(body[field], field);
	checkTools(body.tools, 'tools');
	checkMetadata(body.metadata, 'metadata');
	if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
		throw invalidType('stream', 'a boolean', body.stream);
	}
}

// ---------------------------------------------------------------------------
// Lists: {object: 'list', data, first_id, last_id, has_more}
// ---------------------------------------------------------------------------

function parseLimit(raw, maxPageSize) {
	if (raw === undefined || raw === '') return Math.min(LIMITS.pageDefault, maxPageSize);
	const limit = Number(raw);
	if (!Number.isInteger(limit)) {
		throw badRequest(
			`Invalid 'limit': expected an integer, but got '${raw}' instead.`,
			'limit',
			'invalid_type',
		);
	}
	if (limit < LIMITS.pageMin) {
		throw badRequest(
			`Invalid 'limit': integer below minimum value. Expected a value >= ${LIMITS.pageMin}, but got ${limit} instead.`,
			'limit',
			'integer_below_min_value',
		);
	}
	if (limit > LIMITS.pageMax) {
		throw badRequest(
			`Invalid 'limit': integer above maximum value. Expected a value <= ${LIMITS.pageMax}, but got ${limit} instead.`,
			'limit',
			'integer_above_max_value',
		);
	}
	return Math.min(limit, maxPageSize); // maxPageSize only ever lowers the page (sandbox knob)
}

function cursorIndex(items, id, param) {
	const index = items.findIndex((item) => item.id === id);
	// The real answer to an unknown cursor is unverified; a 400 makes client bugs visible (sandbox choice).
	if (index < 0)
		throw badRequest(
			`Invalid '${param}': no object with id '${id}' in this list.`,
			param,
			'invalid_value',
		);
	return index;
}

/**
 * One page of `items` (oldest first). `after` pages forward from a cursor,
 * `before` backward (the `limit` items just before it, still in listing
 * order); has_more says whether more items lie beyond the page in the
 * direction of travel.
 */
function listBody(items, query, maxPageSize) {
	const limit = parseLimit(query.limit, maxPageSize);
	const order = query.order === undefined || query.order === '' ? 'desc' : query.order;
	if (!['asc', 'desc'].includes(order)) throw invalidValue('order', order, ['asc', 'desc']);
	const ordered = order === 'asc' ? [...items] : [...items].reverse();
	const start = query.after ? cursorIndex(ordered, query.after, 'after') + 1 : 0;
	const end = query.before ? cursorIndex(ordered, query.before, 'before') : ordered.length;
	const window = ordered.slice(start, Math.max(start, end));
	const backwards = Boolean(query.before) && !query.after;
	const data = backwards
		? window.slice(Math.max(0, window.length - limit))
		: window.slice(0, limit);
	return {
		object: 'list',
		data,
		first_id: data.length > 0 ? data[0].id : null,
		last_id: data.length > 0 ? data[data.length - 1].id : null,
		has_more: window.length > limit,
	};
}

function bySeq(records) {
	return [...records].sort((a, b) => a._seq - b._seq);
}

// ---------------------------------------------------------------------------
// Seed data
// ---------------------------------------------------------------------------

function seedAssistants() {
	const base = (id, name, instructions, tools) => ({
		id,
		object: 'assistant',
		created_at: SEED_TIME,
		name,
		description: null,
		model: MODEL,
		instructions,
		tools,
		tool_resources: {},
		metadata: {},
		top_p: 1,
		temperature: 1,
		response_format: 'auto',
	});
	return [
		base(IDS.assistant, 'Sandbox Assistant', 'You are a helpful assistant.', []),
		base(
			IDS.toolAssistant,
			'Sandbox Weather Assistant',
			'Use get_weather for questions about the weather.',
			[
				{
					type: 'function',
					function: {
						name: WEATHER_TOOL,
						description: 'Current weather for a city',
						parameters: {
							type: 'object',
							properties: { city: { type: 'string', description: 'City name, e.g. Berlin' } },
							required: ['city'],
						},
						strict: false,
					},
				},
			],
		),
	];
}

// ---------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------

/**
 * Creates the OpenAI module. `env` comes from the generic server:
 * { url (getter: sandbox base URL), sleep(ms) }.
 */
function createOpenAiApi(userOptions, env) {
	const options = mergeOptions(structuredClone(DEFAULT_OPTIONS), userOptions || {});
	const state = {
		assistants: new Map(),
		threads: new Map(),
		messages: new Map(), // thread id -> messages, oldest first
		runs: new Map(),
		steps: new Map(), // run id -> run steps, oldest first
	};
	const stats = { runsCreated: 0, toolOutputsSubmitted: 0, streams: 0, cancelled: 0 };
	const timers = new Map(); // run id -> pending lifecycle timer
	// Carries run events to open SSE streams; 'gone' ends streams of deleted runs.
	const bus = new EventEmitter();
	bus.setMaxListeners(0);
	let seq = 0;

	const api = { options, state, stats, timers, bus, env, nextSeq: () => ++seq };

	function clearTimers() {
		for (const timer of timers.values()) clearTimeout(timer);
		timers.clear();
	}

	function reset() {
		clearTimers();
		bus.emit('gone', null); // every open stream ends: its run no longer exists
		for (const map of Object.values(state)) map.clear();
		for (const a of seedAssistants()) state.assistants.set(a.id, withSeq(a, api.nextSeq()));
		Object.assign(stats, { runsCreated: 0, toolOutputsSubmitted: 0, streams: 0, cancelled: 0 });
	}
	reset();

	async function handleApi(ctx) {
		try {
			authenticate(api, ctx);
			checkBetaHeader(ctx);
			const match = findRoute(ctx.method, ctx.subpath);
			if (!match) throw new ApiError(404, `Invalid URL (${ctx.method} ${ctx.path})`);
			if (ctx.bodyError) {
				throw badRequest(
					"We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
				);
			}
			checkAgainstSpec(ctx);
			await match.handler(api, ctx, match.params);
		} catch (error) {
			if (!(error instanceof ApiError)) throw error; // a sandbox bug: the server answers 500
			sendJson(ctx, error.status, error.body);
		}
	}

	const configure = (partial) => mergeOptions(options, partial || {});

	return {
		key: 'openai',
		mounts: [{ prefix: PREFIX, body: 'json', handle: handleApi }],
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
			/** The newest run of a thread, or null. */
			runFor(threadId) {
				const runs = bySeq([...state.runs.values()].filter((r) => r.thread_id === threadId));
				return runs.length > 0 ? runs[runs.length - 1] : null;
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

function authenticate(api, ctx) {
	const match = /^Bearer\s+(.+)$/i.exec(ctx.headers.authorization || '');
	const token = match ? match[1].trim() : null;
	if (token && api.options.apiKeys.includes(token)) return;
	throw new ApiError(401, 'Incorrect API key provided', null, 'invalid_api_key');
}

/** `OpenAI-Beta` may list several betas, comma-separated; assistants=v2 must be one of them. */
function checkBetaHeader(ctx) {
	const betas = String(ctx.headers['openai-beta'] || '')
		.split(',')
		.map((b) => b.trim());
	if (betas.includes('assistants=v2')) return;
	const message = betas.includes('assistants=v1')
		? "The v1 Assistants API has been deprecated. Please try again by setting the header 'OpenAI-Beta: assistants=v2'."
		: "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.";
	throw badRequest(message, null, 'invalid_beta');
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

// Order matters: /threads/runs must win over /threads/:threadId.
const ROUTES = [
	route('GET', '/assistants', listAssistants),
	route('GET', '/assistants/:assistantId', getAssistant),
	route('POST', '/threads', createThread),
	route('POST', '/threads/runs', createThreadAndRun),
	route('GET', '/threads/:threadId', getThread),
	route('POST', '/threads/:threadId', updateThread),
	route('DELETE', '/threads/:threadId', deleteThread),
	route('POST', '/threads/:threadId/messages', createMessage),
	route('GET', '/threads/:threadId/messages', listMessages),
	route('GET', '/threads/:threadId/messages/:messageId', getMessage),
	route('POST', '/threads/:threadId/messages/:messageId', updateMessage),
	route('DELETE', '/threads/:threadId/messages/:messageId', deleteMessage),
	route('POST', '/threads/:threadId/runs', createRun),
	route('GET', '/threads/:threadId/runs', listRuns),
	route('GET', '/threads/:threadId/runs/:runId', getRun),
	route('POST', '/threads/:threadId/runs/:runId', updateRun),
	route('POST', '/threads/:threadId/runs/:runId/cancel', cancelRun),
	route('POST', '/threads/:threadId/runs/:runId/submit_tool_outputs', submitToolOutputs),
	route('GET', '/threads/:threadId/runs/:runId/steps', listRunSteps),
	route('GET', '/threads/:threadId/runs/:runId/steps/:stepId', getRunStep),
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
	const assistant = api.state.assistants.get(id);
	if (!assistant) throw notFound('assistant', id);
	return assistant;
}

function listAssistants(api, ctx) {
	sendJson(
		ctx,
		200,
		listBody(bySeq(api.state.assistants.values()), ctx.query, api.options.maxPageSize),
	);
}

function getAssistant(api, ctx, { assistantId }) {
	sendJson(ctx, 200, findAssistant(api, assistantId));
}

// ---------------------------------------------------------------------------
// Threads
// ---------------------------------------------------------------------------

function findThread(api, id) {
	const thread = api.state.threads.get(id);
	if (!thread) throw notFound('thread', id);
	return thread;
}

function insertThread(api, input) {
	const thread = withSeq(
		{
			id: newId('thread'),
			object: 'thread',
			created_at: nowSeconds(),
			metadata: input.metadata,
			tool_resources: normaliseToolResources(input.tool_resources),
		},
		api.nextSeq(),
	);
	api.state.threads.set(thread.id, thread);
	api.state.messages.set(thread.id, []);
	for (const m of input.messages) insertMessage(api, thread, m);
	return thread;
}

function createThread(api, ctx) {
	const body = requireObjectBody(ctx, { optional: true });
	sendJson(ctx, 200, insertThread(api, parseThreadInput(body, '')));
}

function getThread(api, ctx, { threadId }) {
	sendJson(ctx, 200, findThread(api, threadId));
}

/** metadata and tool_resources replace what the thread had (sandbox choice). */
function updateThread(api, ctx, { threadId }) {
	const thread = findThread(api, threadId);
	const body = requireObjectBody(ctx, { optional: true });
	checkMetadata(body.metadata, 'metadata');
	checkToolResources(body.tool_resources, 'tool_resources');
	if (body.metadata !== undefined) thread.metadata = body.metadata ?? {};
	if (body.tool_resources !== undefined)
		thread.tool_resources = normaliseToolResources(body.tool_resources);
	sendJson(ctx, 200, thread);
}

/** Deletes the thread with its messages, runs and steps; open streams on its runs end. */
function deleteThread(api, ctx, { threadId }) {
	findThread(api, threadId);
	for (const run of [...api.state.runs.values()].filter((r) => r.thread_id === threadId)) {
		stopLifecycle(api, run);
		api.state.runs.delete(run.id);
		api.state.steps.delete(run.id);
		api.bus.emit('gone', run.id);
	}
	api.state.threads.delete(threadId);
	api.state.messages.delete(threadId);
	sendJson(ctx, 200, { id: threadId, object: 'thread.deleted', deleted: true });
}

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

function insertMessage(api, thread, fields, run = null) {
	const createdAt = nowSeconds();
	const inProgress = fields.status === 'in_progress';
	const message = withSeq(
		{
			id: newId('msg'),
			object: 'thread.message',
			created_at: createdAt,
			thread_id: thread.id,
			status: inProgress ? 'in_progress' : 'completed',
			incomplete_details: null,
			completed_at: inProgress ? null : createdAt,
			incomplete_at: null,
			role: fields.role,
			content: fields.content,
			assistant_id: run ? run.assistant_id : null,
			run_id: run ? run.id : null,
			attachments: fields.attachments ?? [],
			metadata: fields.metadata ?? {},
		},
		api.nextSeq(),
	);
	api.state.messages.get(thread.id).push(message);
	return message;
}

function activeRun(api, threadId) {
	return (
		[...api.state.runs.values()].find(
			(r) => r.thread_id === threadId && ACTIVE_STATUSES.has(r.status),
		) || null
	);
}

function createMessage(api, ctx, { threadId }) {
	const thread = findThread(api, threadId);
	const fields = parseMessageInput(requireObjectBody(ctx, { optional: false }), '');
	const run = activeRun(api, thread.id);
	if (run) throw badRequest(`Can't add messages to ${thread.id} while a run ${run.id} is active.`);
	sendJson(ctx, 200, insertMessage(api, thread, fields));
}

function findMessage(api, threadId, messageId) {
	const thread = findThread(api, threadId);
	const message = api.state.messages.get(thread.id).find((m) => m.id === messageId);
	if (!message) throw notFound('message', messageId);
	return message;
}

function listMessages(api, ctx, { threadId }) {
	const thread = findThread(api, threadId);
	const runId = ctx.query.run_id;
	const messages = api.state.messages.get(thread.id).filter((m) => !runId || m.run_id === runId);
	sendJson(ctx, 200, listBody(messages, ctx.query, api.options.maxPageSize));
}

function getMessage(api, ctx, { threadId, messageId }) {
	sendJson(ctx, 200, findMessage(api, threadId, messageId));
}

function updateMessage(api, ctx, { threadId, messageId }) {
	const message = findMessage(api, threadId, messageId);
	const body = requireObjectBody(ctx, { optional: true });
	checkMetadata(body.metadata, 'metadata');
	if (body.metadata !== undefined) message.metadata = body.metadata ?? {};
	sendJson(ctx, 200, message);
}

function deleteMessage(api, ctx, { threadId, messageId }) {
	findMessage(api, threadId, messageId);
	const messages = api.state.messages.get(threadId);
	messages.splice(
		messages.findIndex((m) => m.id === messageId),
		1,
	);
	sendJson(ctx, 200, { id: messageId, object: 'thread.message.deleted', deleted: true });
}

// ---------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------

function findRun(api, threadId, runId) {
	findThread(api, threadId);
	const run = api.state.runs.get(runId);
	if (!run || run.thread_id !== threadId) throw notFound('run', runId);
	return run;
}

function hasWeatherTool(tools) {
	return tools.some((t) => t.type === 'function' && t.function && t.function.name === WEATHER_TOOL);
}

/** How the run ends, decided from the last user message when it is created. */
function runOutcome(api, thread, tools) {
	const lastUser = [...api.state.messages.get(thread.id)].reverse().find((m) => m.role === 'user');
	const text = lastUser ? messageText(lastUser) : '';
	if (text.includes('[fail]')) return { kind: 'fail', text };
	if (text.includes('[hang]')) return { kind: 'hang', text };
	if (hasWeatherTool(tools) && /weather/i.test(text)) return { kind: 'tool', text };
	return { kind: 'answer', text, cited: citedFiles(lastUser, tools) };
}

/**
 * Files the answer cites: those attached to the last user message for `file_search`, when the
 * run may use that tool (file_search among its tools). The real model decides itself whether
 * to search; here it always does, so that citations are predictable (sandbox choice).
 */
function citedFiles(lastUser, tools) {
	if (!lastUser || !tools.some((t) => t.type === 'file_search')) return [];
	const ids = (lastUser.attachments || [])
		.filter((attachment) => attachment.tools.some((tool) => tool.type === 'file_search'))
		.map((attachment) => attachment.file_id);
	return [...new Set(ids)];
}

/** Validated run fields (thread not touched yet), so a bad request leaves no trace. */
function prepareRun(api, body) {
	checkRunBody(body);
	const additional = parseMessageList(body.additional_messages, 'additional_messages');
	const assistant = findAssistant(api, body.assistant_id);
	return { body, assistant, additional };
}

function createRunRecord(api, thread, { body, assistant, additional }) {
	for (const m of additional) insertMessage(api, thread, m);
	const instructions = [body.instructions ?? assistant.instructions, body.additional_instructions]
		.filter((part) => part !== undefined && part !== null && part !== '')
		.join('\n\n');
	const tools = structuredClone(body.tools ?? assistant.tools);
	const createdAt = nowSeconds();
	const run = withSeq(
		{
			id: newId('run'),
			object: 'thread.run',
			created_at: createdAt,
			assistant_id: assistant.id,
			thread_id: thread.id,
			status: 'queued',
			required_action: null,
			last_error: null,
			expires_at: createdAt + RUN_EXPIRY_SECONDS,
			started_at: null,
			cancelled_at: null,
			failed_at: null,
			completed_at: null,
			incomplete_details: null,
			model: body.model ?? assistant.model,
			instructions,
			tools,
			metadata: body.metadata ?? {},
			usage: null,
			temperature: body.temperature ?? assistant.temperature,
			top_p: body.top_p ?? assistant.top_p,
			max_prompt_tokens: body.max_prompt_tokens ?? null,
			max_completion_tokens: body.max_completion_tokens ?? null,
			truncation_strategy: body.truncation_strategy ?? { type: 'auto', last_messages: null },
			response_format: body.response_format ?? assistant.response_format,
			tool_choice: body.tool_choice ?? 'auto',
			parallel_tool_calls: body.parallel_tool_calls ?? true,
		},
		api.nextSeq(),
	);
	hide(run, '_events', []); // every SSE event of the run, so streams can start from any point
	hide(run, '_outcome', runOutcome(api, thread, tools));
	hide(run, '_toolOutputs', null);
	hide(run, '_message', null); // the answer message being written
	hide(run, '_step', null); // the step in progress
	api.state.runs.set(run.id, run);
	api.state.steps.set(run.id, []);
	api.stats.runsCreated += 1;
	emitRunEvent(api, run, 'thread.run.created', run);
	emitRunEvent(api, run, 'thread.run.queued', run);
	schedule(api, run, api.options.runStepMs, () => startWork(api, run));
	return run;
}

function createRun(api, ctx, { threadId }) {
	const thread = findThread(api, threadId);
	const prepared = prepareRun(api, requireObjectBody(ctx, { optional: false }));
	const active = activeRun(api, thread.id);
	if (active) throw badRequest(`Thread ${thread.id} already has an active run ${active.id}.`);
	const run = createRunRecord(api, thread, prepared);
	if (prepared.body.stream === true) streamRun(api, ctx, run, { from: 0 });
	else sendJson(ctx, 200, run);
}

function createThreadAndRun(api, ctx) {
	const body = requireObjectBody(ctx, { optional: false });
	checkOptionalObject(body.thread, 'thread');
	const threadInput = parseThreadInput(body.thread || {}, 'thread.');
	const prepared = prepareRun(api, body);
	const thread = insertThread(api, threadInput);
	const run = createRunRecord(api, thread, prepared);
	if (body.stream === true)
		streamRun(api, ctx, run, { from: 0, prelude: [['thread.created', thread]] });
	else sendJson(ctx, 200, run);
}

function listRuns(api, ctx, { threadId }) {
	findThread(api, threadId);
	const runs = bySeq([...api.state.runs.values()].filter((r) => r.thread_id === threadId));
	sendJson(ctx, 200, listBody(runs, ctx.query, api.options.maxPageSize));
}

function getRun(api, ctx, { threadId, runId }) {
	sendJson(ctx, 200, findRun(api, threadId, runId));
}

function updateRun(api, ctx, { threadId, runId }) {
	const run = findRun(api, threadId, runId);
	const body = requireObjectBody(ctx, { optional: true });
	checkMetadata(body.metadata, 'metadata');
	if (body.metadata !== undefined) run.metadata = body.metadata ?? {};
	sendJson(ctx, 200, run);
}

/** queued/in_progress/requires_action -> cancelling now, cancelled one runStepMs later. */
function cancelRun(api, ctx, { threadId, runId }) {
	const run = findRun(api, threadId, runId);
	if (!CANCELLABLE_STATUSES.has(run.status))
		throw badRequest(`Cannot cancel run with status '${run.status}'.`);
	stopLifecycle(api, run);
	run.status = 'cancelling';
	api.stats.cancelled += 1;
	emitRunEvent(api, run, 'thread.run.cancelling', run);
	schedule(api, run, api.options.runStepMs, () => finishCancel(api, run));
	sendJson(ctx, 200, run);
}

function submitToolOutputs(api, ctx, { threadId, runId }) {
	const run = findRun(api, threadId, runId);
	const body = requireObjectBody(ctx, { optional: false });
	const outputs = checkToolOutputs(run, body);
	const from = run._events.length; // the stream shows what follows the submission
	const step = run._step;
	for (const call of step.step_details.tool_calls) {
		call.function.output = outputs.find((o) => o.tool_call_id === call.id).output;
	}
	run._toolOutputs = outputs.map((o) => o.output);
	run.required_action = null;
	run.status = 'queued';
	api.stats.toolOutputsSubmitted += 1;
	completeStep(api, run, step);
	emitRunEvent(api, run, 'thread.run.queued', run);
	schedule(api, run, api.options.runStepMs, () => startWork(api, run));
	if (body.stream === true) streamRun(api, ctx, run, { from });
	else sendJson(ctx, 200, run);
}

/** Every pending call must be answered once, each with a string output. */
function checkToolOutputs(run, body) {
	if (run.status !== 'requires_action')
		throw badRequest(`Runs in status "${run.status}" do not accept tool outputs.`);
	if (body.tool_outputs === undefined || body.tool_outputs === null) throw missing('tool_outputs');
	if (!Array.isArray(body.tool_outputs))
		throw invalidType('tool_outputs', 'an array', body.tool_outputs);
	body.tool_outputs.forEach((item, i) => {
		if (!isPlainObject(item)) throw invalidType(`tool_outputs[${i}]`, 'an object', item);
		if (typeof item.tool_call_id !== 'string') throw missing(`tool_outputs[${i}].tool_call_id`);
		if (typeof item.output !== 'string')
			throw invalidType(`tool_outputs[${i}].output`, 'a string', item.output);
	});
	if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
		throw invalidType('stream', 'a boolean', body.stream);
	}
	const expected = run.required_action.submit_tool_outputs.tool_calls.map((c) => c.id);
	const got = body.tool_outputs.map((o) => o.tool_call_id);
	const sameSet = got.length === expected.length && expected.every((id) => got.includes(id));
	if (!sameSet) {
		const list = (ids) => `[${ids.map((id) => `'${id}'`).join(', ')}]`;
		throw badRequest(
			`Expected tool outputs for call_ids ${list(expected)}, got ${list(got)}`,
			'tool_outputs',
		);
	}
	return body.tool_outputs;
}

// ---------------------------------------------------------------------------
// Run steps
// ---------------------------------------------------------------------------

function listRunSteps(api, ctx, { threadId, runId }) {
	const run = findRun(api, threadId, runId);
	sendJson(ctx, 200, listBody(api.state.steps.get(run.id), ctx.query, api.options.maxPageSize));
}

function getRunStep(api, ctx, { threadId, runId, stepId }) {
	const run = findRun(api, threadId, runId);
	const step = api.state.steps.get(run.id).find((s) => s.id === stepId);
	if (!step) throw notFound('run step', stepId);
	sendJson(ctx, 200, step);
}

function insertStep(api, run, stepDetails) {
	const step = withSeq(
		{
			id: newId('step'),
			object: 'thread.run.step',
			created_at: nowSeconds(),
			run_id: run.id,
			assistant_id: run.assistant_id,
			thread_id: run.thread_id,
			type: stepDetails.type,
			status: 'in_progress',
			cancelled_at: null,
			completed_at: null,
			// The spec's step has expired_at (when it expired), not the run's expires_at.
			expired_at: null,
			failed_at: null,
			last_error: null,
			step_details: stepDetails,
			usage: null,
			metadata: {},
		},
		api.nextSeq(),
	);
	api.state.steps.get(run.id).push(step);
	run._step = step;
	emitRunEvent(api, run, 'thread.run.step.created', step);
	emitRunEvent(api, run, 'thread.run.step.in_progress', step);
	return step;
}

function completeStep(api, run, step) {
	step.status = 'completed';
	step.completed_at = nowSeconds();
	run._step = null;
	emitRunEvent(api, run, 'thread.run.step.completed', step);
}

// ---------------------------------------------------------------------------
// Run lifecycle: queued -> in_progress -> (answer | requires_action | failed | hang)
// ---------------------------------------------------------------------------

/** One pending timer per run; options are read at each step so configure() applies at once. */
function schedule(api, run, delayMs, step) {
	const timer = setTimeout(
		() => {
			api.timers.delete(run.id);
			step();
		},
		Math.max(0, Number(delayMs) || 0),
	);
	api.timers.set(run.id, timer);
}

function stopLifecycle(api, run) {
	clearTimeout(api.timers.get(run.id));
	api.timers.delete(run.id);
}

/**
 * Records an SSE event of the run and tells open streams. The data is
 * serialised now: later changes to the run must not alter what was "sent".
 */
function emitRunEvent(api, run, event, payload) {
	const entry = { event, data: JSON.stringify(payload) };
	run._events.push(entry);
	api.bus.emit('event', run.id, entry);
}

function startWork(api, run) {
	run.status = 'in_progress';
	if (run.started_at === null) run.started_at = nowSeconds();
	emitRunEvent(api, run, 'thread.run.in_progress', run);
	const outcome = run._outcome;
	if (run._toolOutputs) {
		schedule(api, run, api.options.runStepMs, () =>
			writeAnswer(api, run, composeToolAnswer(run._toolOutputs)),
		);
	} else if (outcome.kind === 'hang') {
		// stays in_progress until cancelled
	} else if (outcome.kind === 'fail') {
		schedule(api, run, api.options.runStepMs, () => failRun(api, run));
	} else if (outcome.kind === 'tool') {
		schedule(api, run, api.options.runStepMs, () => requestToolCall(api, run));
	} else {
		schedule(api, run, api.options.runStepMs, () =>
			searchFiles(api, run, outcome.cited, () =>
				writeAnswer(api, run, composeAnswer(outcome.text), outcome.cited),
			),
		);
	}
}

/** With cited files, a completed file_search tool_calls step comes first, as real runs show it. */
function searchFiles(api, run, fileIds, next) {
	if (!fileIds.length) {
		next();
		return;
	}
	const step = insertStep(api, run, {
		type: 'tool_calls',
		tool_calls: [{ id: newId('call'), type: 'file_search', file_search: {} }],
	});
	completeStep(api, run, step);
	next();
}

function requestToolCall(api, run) {
	const call = {
		id: newId('call'),
		type: 'function',
		function: { name: WEATHER_TOOL, arguments: WEATHER_ARGUMENTS, output: null },
	};
	insertStep(api, run, { type: 'tool_calls', tool_calls: [call] });
	run.status = 'requires_action';
	run.required_action = {
		type: 'submit_tool_outputs',
		submit_tool_outputs: {
			tool_calls: [
				{
					id: call.id,
					type: 'function',
					function: { name: WEATHER_TOOL, arguments: WEATHER_ARGUMENTS },
				},
			],
		},
	};
	emitRunEvent(api, run, 'thread.run.requires_action', run);
}

/**
 * The answer message is stored when it is created (empty, in_progress) and
 * grows with each delta, so state read mid-stream matches what was streamed.
 */
function writeAnswer(api, run, text, citedFileIds = []) {
	const thread = api.state.threads.get(run.thread_id);
	const message = insertMessage(
		api,
		thread,
		{ role: 'assistant', content: [], status: 'in_progress' },
		run,
	);
	run._message = message;
	insertStep(api, run, { type: 'message_creation', message_creation: { message_id: message.id } });
	emitRunEvent(api, run, 'thread.message.created', message);
	emitRunEvent(api, run, 'thread.message.in_progress', message);
	// Each cited file: a marker at the end of the text, the file_citation annotation that explains it.
	const pieces = [
		...splitWords(text).map((value) => ({ value })),
		...citedFileIds.map((fileId, i) => ({ value: `【4:${i}†source】`, fileId })),
	];
	writeDeltas(api, run, message, pieces, 0);
}

/** Length in characters (code points), as the API's start_index / end_index count them. */
function charLength(text) {
	return Array.from(text).length;
}

function writeDeltas(api, run, message, pieces, index) {
	schedule(api, run, api.options.tokenDelayMs, () => {
		if (index >= pieces.length) {
			completeAnswer(api, run, message, pieces.length);
			return;
		}
		if (message.content.length === 0)
			message.content.push({ type: 'text', text: { value: '', annotations: [] } });
		const text = message.content[0].text;
		const { value, fileId } = pieces[index];
		const delta = { value };
		if (fileId) {
			const start = charLength(text.value);
			const annotation = {
				type: 'file_citation',
				text: value,
				start_index: start,
				end_index: start + charLength(value),
				file_citation: { file_id: fileId },
			};
			// The delta numbers its annotations within the text part; the stored message does not.
			delta.annotations = [{ index: text.annotations.length, ...annotation }];
			text.annotations.push(annotation);
		}
		text.value += value;
		emitRunEvent(api, run, 'thread.message.delta', {
			id: message.id,
			object: 'thread.message.delta',
			delta: { content: [{ index: 0, type: 'text', text: delta }] },
		});
		writeDeltas(api, run, message, pieces, index + 1);
	});
}

function completeAnswer(api, run, message, completionTokens) {
	message.status = 'completed';
	message.completed_at = nowSeconds();
	run._message = null;
	emitRunEvent(api, run, 'thread.message.completed', message);
	const step = run._step;
	completeStep(api, run, step);
	step.usage = usageFor(api, run, completionTokens);
	finishRun(api, run, 'completed', completionTokens);
}

/** Rough token counts (words), so clients that show usage see plausible numbers. */
function usageFor(api, run, completionTokens) {
	const messages = (api.state.messages.get(run.thread_id) || []).filter((m) => m.run_id !== run.id);
	const promptTokens = messages.reduce(
		(sum, m) => sum + countWords(messageText(m)),
		countWords(run.instructions),
	);
	return {
		prompt_tokens: promptTokens,
		completion_tokens: completionTokens,
		total_tokens: promptTokens + completionTokens,
	};
}

/** Terminal status: timestamps, usage and the matching thread.run.<status> event. */
function finishRun(api, run, status, completionTokens = 0) {
	const at = nowSeconds();
	run.status = status;
	run.expires_at = null;
	if (status === 'completed') run.completed_at = at;
	if (status === 'failed') run.failed_at = at;
	if (status === 'cancelled') run.cancelled_at = at;
	run.usage = usageFor(api, run, completionTokens);
	emitRunEvent(api, run, `thread.run.${status}`, run);
}

function failRun(api, run) {
	run.last_error = { code: 'server_error', message: 'Simulated failure' };
	finishRun(api, run, 'failed');
}

/** A message or step left mid-way by the cancel ends as incomplete / cancelled, as real runs do. */
function finishCancel(api, run) {
	const at = nowSeconds();
	const message = run._message;
	let emitted = 0;
	if (message) {
		message.status = 'incomplete';
		message.incomplete_at = at;
		message.incomplete_details = { reason: 'run_cancelled' };
		emitted = message.content.length > 0 ? countWords(message.content[0].text.value) : 0;
		run._message = null;
		emitRunEvent(api, run, 'thread.message.incomplete', message);
	}
	const step = run._step;
	if (step) {
		step.status = 'cancelled';
		step.cancelled_at = at;
		run._step = null;
		emitRunEvent(api, run, 'thread.run.step.cancelled', step);
	}
	run.required_action = null;
	finishRun(api, run, 'cancelled', emitted);
}

// ---------------------------------------------------------------------------
// SSE
// ---------------------------------------------------------------------------

/** A step delta a client must skip over (it carries nothing a text client needs). */
function stepDeltaFor(stepData) {
	const step = JSON.parse(stepData);
	const details = step.step_details;
	const delta =
		details.type === 'tool_calls'
			? {
					type: 'tool_calls',
					tool_calls: details.tool_calls.map((call, index) => ({ index, ...call })),
				}
			: details;
	return { id: step.id, object: 'thread.run.step.delta', delta: { step_details: delta } };
}

/**
 * Streams a run's events from index `from` of its log (then live ones) as SSE,
 * after the `prelude` events, and ends with `event: done` / `data: [DONE]` once
 * the run completes, fails, is cancelled or needs tool outputs.
 *
 * Noise a robust client must ignore, written outside the fault counter so
 * afterChunks counts real events only: a `: keep-alive` comment after
 * thread.run.in_progress, a thread.run.step.delta after each step.created
 * and one `x.unknown.event` after the first message delta.
 * Faults: cutStream {afterChunks} destroys the socket after n events;
 * malformedLine {afterChunks} sends one broken data line after n events.
 */
function streamRun(api, ctx, run, { from, prelude = [] }) {
	api.stats.streams += 1;
	const stream = openStream(ctx, {
		contentType: 'text/event-stream; charset=utf-8',
		malformedChunk: 'event: thread.message.delta\ndata: {"id": this line is not JSON\n\n',
	});
	let unknownSent = false;
	let ended = false;
	const noise = (text) => {
		if (!stream.closed) ctx.res.write(text);
	};
	const send = (event, data) => {
		if (ctx.onStreamEvent) ctx.onStreamEvent(event, data);
		return stream.write(`event: ${event}\ndata: ${data}\n\n`);
	};

	const onEntry = (entry) => {
		if (ended) return;
		if (!send(entry.event, entry.data)) return cleanup();
		if (entry.event === 'thread.run.in_progress') noise(': keep-alive\n\n');
		if (entry.event === 'thread.run.step.created') {
			noise(`event: thread.run.step.delta\ndata: ${JSON.stringify(stepDeltaFor(entry.data))}\n\n`);
		}
		if (entry.event === 'thread.message.delta' && !unknownSent) {
			unknownSent = true;
			noise(
				'event: x.unknown.event\ndata: {"note":"clients must ignore events they do not know"}\n\n',
			);
		}
		if (STREAM_END_EVENTS.has(entry.event)) {
			if (send('done', '[DONE]')) stream.end();
			cleanup();
		}
	};
	const onEvent = (runId, entry) => {
		if (runId === run.id) onEntry(entry);
	};
	// The run (or every run, on reset) is gone: end without `done`, as a dropped stream would.
	const onGone = (runId) => {
		if (runId !== null && runId !== run.id) return;
		cleanup();
		stream.end();
	};
	function cleanup() {
		ended = true;
		api.bus.off('event', onEvent);
		api.bus.off('gone', onGone);
	}

	for (const [event, payload] of prelude) if (!send(event, JSON.stringify(payload))) return;
	for (const entry of run._events.slice(from)) {
		onEntry(entry);
		if (ended) return;
	}
	api.bus.on('event', onEvent);
	api.bus.on('gone', onGone);
	ctx.res.on('close', cleanup);
}

module.exports = {
	createOpenAiApi,
	OPENAI_PREFIX: PREFIX,
	OPENAI_IDS: IDS,
	composeAnswer,
};
