'use strict';

/**
 * Holds the sandbox to the vendors' API descriptions: every request to a module's mount is
 * matched to an operation of an OpenAPI document and its path, query and body are checked
 * with a JSON-Schema validator (ajv); every JSON response and streamed event the sandbox
 * sends is checked against the document's response schemas and recorded in the request log.
 *
 * Documents (sandbox/specs/, copies of ../shared/specs plus one written from the Haufe docs):
 *   openai-assistants.yaml   OpenAPI 3.1, OpenAI's published document (Assistants v2 part)
 *   griptape-openapi.json    OpenAPI 3.0, Griptape Cloud (seed 004 + its Python client)
 *   haufe-documented.json    OpenAPI 3.1 written here from api-notes section 1 and seeds 000/001
 *
 * What a check yields (never throws for a bad request):
 *   { operation, errors: [...], undocumented: [...] }
 *   errors        what the document forbids (wrong type, missing required, enum, bounds,
 *                 a field where additionalProperties is false): the module rejects the request
 *   undocumented  what the document does not mention but does not forbid either (an unknown
 *                 query parameter, a field of an open object schema): accepted, but logged so
 *                 tests can insist that the nodes send nothing undocumented
 * Each error: { path: ['thread', 'messages', 0, 'role'], keyword, params, message, in: 'body'|'query'|'path' }.
 *
 * Dev dependencies only (ajv, ajv-formats, yaml): the sandbox is run by tests, `npm run dev`
 * and the benchmarks, never shipped with the nodes.
 */

const fs = require('fs');
const path = require('path');
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');
const YAML = require('yaml');

const SPEC_DIR = path.join(__dirname, 'specs');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const COMPOSITION = new Set(['oneOf', 'anyOf', 'allOf', 'if', 'then', 'else', 'not']);

function loadDocument(file) {
	const text = fs.readFileSync(path.join(SPEC_DIR, file), 'utf8');
	return file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
}

/** OpenAPI 3.0 `nullable: true` as JSON Schema 2020-12 (`type: [t, 'null']`), in place. */
function rewriteNullable(node) {
	if (Array.isArray(node)) return node.forEach(rewriteNullable);
	if (!node || typeof node !== 'object') return;
	if (node.nullable === true) {
		if (typeof node.type === 'string') node.type = [node.type, 'null'];
		else if (node.enum) node.enum = [...node.enum, null];
	}
	delete node.nullable;
	for (const value of Object.values(node)) rewriteNullable(value);
}

/**
 * The same schema, closed: every object schema that lists `properties` and says nothing about
 * other properties gets `unevaluatedProperties: false`, so a field the document does not name
 * shows up (as an undocumented field, not as an error).
 */
function closeObjects(node) {
	if (Array.isArray(node)) return node.map(closeObjects);
	if (!node || typeof node !== 'object') return node;
	const copy = {};
	for (const [key, value] of Object.entries(node)) {
		// `properties` maps names to schemas: close the schemas, never treat the map as one.
		copy[key] =
			key === 'properties'
				? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closeObjects(v)]))
				: closeObjects(value);
	}
	if (
		copy.properties &&
		copy.additionalProperties === undefined &&
		copy.unevaluatedProperties === undefined
	) {
		copy.unevaluatedProperties = false;
	}
	return copy;
}

function newAjv() {
	const ajv = new Ajv2020({
		strict: false,
		allErrors: true,
		verbose: true,
		validateSchema: false,
		unicodeRegExp: false,
	});
	addFormats(ajv);
	// Formats of the documents that say nothing checkable beyond the type.
	for (const format of ['unixtime', 'double', 'float', 'int32', 'int64', 'binary'])
		ajv.addFormat(format, true);
	return ajv;
}

/** `#/components/...` references of a document, made absolute so extracted schemas can use them. */
function absoluteRefs(node, base) {
	if (Array.isArray(node)) return node.map((item) => absoluteRefs(item, base));
	if (!node || typeof node !== 'object') return node;
	const copy = {};
	for (const [key, value] of Object.entries(node)) {
		copy[key] =
			key === '$ref' && typeof value === 'string' && value.startsWith('#')
				? `${base}${value}`
				: absoluteRefs(value, base);
	}
	return copy;
}

function templateRegex(template) {
	const names = [];
	const source = template
		.split('/')
		.map((segment) =>
			segment.replace(/\{([^}]+)\}|[^{}]+/g, (match, name) => {
				if (name) {
					names.push(name);
					return '([^/]+)';
				}
				return match.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			}),
		)
		.join('/');
	return { regex: new RegExp(`^${source}$`), names };
}

/** What one query parameter's schema expects of its raw text(s). */
function coerceQuery(values, schema, param) {
	const scalar = (raw, itemSchema) => {
		const type = Array.isArray(itemSchema?.type)
			? itemSchema.type.find((t) => t !== 'null')
			: itemSchema?.type;
		if (
			(type === 'integer' || type === 'number') &&
			/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw.trim())
		)
			return Number(raw);
		// The words a FastAPI/pydantic server reads as booleans (the others only send true/false).
		if (type === 'boolean' && /^(true|false|1|0|yes|no|on|off)$/i.test(raw))
			return /^(true|1|yes|on)$/i.test(raw);
		return raw;
	};
	const type = Array.isArray(schema?.type) ? schema.type.find((t) => t !== 'null') : schema?.type;
	if (type === 'array') {
		// form style: exploded (repeated) by default; explode: false is comma-separated. Both are read.
		const items =
			param.explode === false || values.some((v) => v.includes(','))
				? values.flatMap((v) => v.split(','))
				: values;
		return items.map((item) => scalar(item, schema.items));
	}
	return scalar(values[values.length - 1], schema);
}

class SpecValidator {
	/**
	 * doc: an OpenAPI document (3.0 or 3.1); name: for messages; basePath: the document's
	 * server path the module's mount stands for (only informative).
	 */
	constructor(doc, { name }) {
		this.name = name;
		const document = structuredClone(doc);
		if (String(document.openapi).startsWith('3.0')) rewriteNullable(document);
		this.document = document;
		this.base = `https://spec.sandbox.invalid/${name}.json`;
		this.ajv = newAjv();
		this.strictAjv = newAjv();
		if (document.components) {
			this.ajv.addSchema({ $id: this.base, components: document.components });
			this.strictAjv.addSchema({ $id: this.base, components: closeObjects(document.components) });
		}
		this.cache = new Map();
		this.operations = [];
		for (const [template, item] of Object.entries(document.paths || {})) {
			const shared = item.parameters || [];
			for (const method of METHODS) {
				const op = item[method];
				if (!op) continue;
				const { regex, names } = templateRegex(template);
				const literal = template.split('/').filter((s) => s && !s.includes('{')).length;
				this.operations.push({
					id: op.operationId || `${method.toUpperCase()} ${template}`,
					method: method.toUpperCase(),
					template,
					regex,
					names,
					literal,
					parameters: [...shared, ...(op.parameters || [])].map((p) => this.deref(p)),
					requestBody: op.requestBody ? this.deref(op.requestBody) : null,
					responses: op.responses || {},
				});
			}
		}
		// A literal segment beats a parameter: POST /threads/runs is not POST /threads/{thread_id}.
		this.operations.sort((a, b) => b.literal - a.literal);
	}

	/** Follows a local `$ref` (parameters, request bodies, responses). */
	deref(node) {
		let current = node;
		while (current && current.$ref) {
			current = current.$ref
				.replace(/^#\//, '')
				.split('/')
				.map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
				.reduce((obj, key) => obj && obj[key], this.document);
		}
		return current;
	}

	compile(key, schema, strict = false) {
		const cacheKey = `${strict ? 'strict:' : ''}${key}`;
		if (!this.cache.has(cacheKey)) {
			const prepared = absoluteRefs(strict ? closeObjects(schema) : schema, this.base);
			this.cache.set(cacheKey, (strict ? this.strictAjv : this.ajv).compile(prepared));
		}
		return this.cache.get(cacheKey);
	}

	/** The operation for a method and a path below the mount, or null (with `pathKnown`). */
	match(method, subpath) {
		let pathKnown = false;
		for (const op of this.operations) {
			const m = op.regex.exec(subpath);
			if (!m) continue;
			pathKnown = true;
			if (op.method !== method) continue;
			const params = {};
			op.names.forEach((name, i) => {
				params[name] = decodeURIComponent(m[i + 1]);
			});
			return { op, params, pathKnown };
		}
		return { op: null, params: {}, pathKnown };
	}

	/**
	 * Checks one request. `request`: { method, subpath, searchParams, body, headers }.
	 * Returns null when the document has no such operation.
	 */
	checkRequest(request) {
		const { op, params } = this.match(request.method, request.subpath);
		if (!op) return null;
		const errors = [];
		const undocumented = [];
		const declared = new Set();

		for (const param of op.parameters) {
			if (param.in === 'path') {
				this.checkValue(
					`${op.id}:path:${param.name}`,
					param.schema,
					params[param.name],
					'path',
					[param.name],
					errors,
				);
			} else if (param.in === 'query') {
				declared.add(param.name);
				const values = request.searchParams.getAll(param.name);
				if (values.length === 0) {
					if (param.required)
						errors.push({
							in: 'query',
							path: [param.name],
							keyword: 'required',
							params: { missingProperty: param.name },
							message: 'is required',
						});
					continue;
				}
				const value = coerceQuery(values, param.schema || {}, param);
				this.checkValue(
					`${op.id}:query:${param.name}`,
					param.schema,
					value,
					'query',
					[param.name],
					errors,
				);
			} else if (param.in === 'header') {
				const value = request.headers[param.name.toLowerCase()];
				if (value === undefined && param.required) {
					errors.push({
						in: 'header',
						path: [param.name],
						keyword: 'required',
						params: { missingProperty: param.name },
						message: 'is required',
					});
				}
			}
		}
		for (const name of new Set(request.searchParams.keys())) {
			if (!declared.has(name))
				undocumented.push({
					in: 'query',
					path: [name],
					message: `query parameter '${name}' is not in the ${this.name} document`,
				});
		}

		const content =
			op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
		const body = request.body;
		const empty =
			body === undefined ||
			(body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);
		if (content && content.schema) {
			if (body === undefined) {
				if (op.requestBody.required)
					errors.push({
						in: 'body',
						path: [],
						keyword: 'required',
						params: {},
						message: 'a JSON body is required',
					});
			} else {
				const before = errors.length;
				this.checkValue(`${op.id}:body`, content.schema, body, 'body', [], errors);
				if (errors.length === before)
					this.findUndocumented(`${op.id}:body`, content.schema, body, undocumented);
			}
		} else if (!empty) {
			undocumented.push({
				in: 'body',
				path: [],
				message: `${op.method} ${op.template} takes no body in the ${this.name} document`,
			});
		}
		return { operation: op.id, template: op.template, errors, undocumented };
	}

	checkValue(key, schema, value, where, prefix, errors) {
		if (!schema) return;
		const validate = this.compile(key, schema);
		if (validate(value)) return;
		for (const error of validate.errors) errors.push(normaliseError(error, where, prefix));
	}

	findUndocumented(key, schema, value, undocumented) {
		const validate = this.compile(key, schema, true);
		if (validate(value)) return;
		const found = validate.errors.filter((e) => e.keyword === 'unevaluatedProperties');
		if (found.length === 0) {
			undocumented.push({
				in: 'body',
				path: [],
				message: 'the body matches the document only through fields it does not name',
			});
			return;
		}
		const seen = new Set();
		for (const error of found) {
			const normalised = normaliseError(error, 'body', []);
			const label = formatPath(normalised.path);
			if (seen.has(label)) continue;
			seen.add(label);
			undocumented.push({
				in: 'body',
				path: normalised.path,
				message: `field '${label}' is not in the ${this.name} document`,
			});
		}
	}

	/** The schema of a response: its status, else `default`; null when the document has none. */
	responseSchema(operationId, status, contentType = 'application/json') {
		const op = this.operations.find((o) => o.id === operationId);
		if (!op) return null;
		const response = this.deref(op.responses[String(status)] || op.responses.default);
		const content =
			response &&
			response.content &&
			(response.content[contentType] || response.content['application/json']);
		return content && content.schema
			? { key: `${op.id}:response:${status}:${contentType}`, schema: content.schema }
			: null;
	}

	/** Errors of a response body against a schema (or a named component schema); [] when valid. */
	checkAgainst(key, schema, value) {
		const errors = [];
		this.checkValue(key, schema, value, 'response', [], errors);
		return errors;
	}

	checkComponent(name, value) {
		return this.checkAgainst(`component:${name}`, { $ref: `#/components/schemas/${name}` }, value);
	}
}

/** ajv's error as { in, path (segments), keyword, params, message }. */
function normaliseError(error, where, prefix) {
	const segments = error.instancePath
		.split('/')
		.slice(1)
		.map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
		.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
	const pathSegments = [...prefix, ...segments];
	if (error.keyword === 'required') pathSegments.push(error.params.missingProperty);
	if (error.keyword === 'additionalProperties') pathSegments.push(error.params.additionalProperty);
	if (error.keyword === 'unevaluatedProperties')
		pathSegments.push(error.params.unevaluatedProperty);
	const schemaType =
		error.parentSchema && [].concat(error.parentSchema.type || []).find((t) => t !== 'null');
	return {
		in: where,
		path: pathSegments,
		keyword: error.keyword,
		params: error.params,
		message: error.message,
		schemaType,
	};
}

const KEYWORD_RANK = { additionalProperties: 0, required: 1, enum: 2, const: 2, type: 4 };

/**
 * The one error a server would report: the most specific (deepest) one, leaving out the
 * alternatives of a oneOf/anyOf that the value was clearly not meant to match (the `null` of a
 * nullable field). Type errors at the same place are merged into one with every expected type,
 * enum errors into one with every allowed value.
 */
function primaryError(errors) {
	if (!errors || errors.length === 0) return null;
	let pool = errors.filter((e) => !COMPOSITION.has(e.keyword));
	if (pool.length === 0) pool = errors;
	const notNull = pool.filter((e) => !(e.keyword === 'type' && e.params.type === 'null'));
	if (notNull.length) pool = notNull;
	const depth = Math.max(...pool.map((e) => e.path.length));
	pool = pool.filter((e) => e.path.length === depth);
	pool.sort((a, b) => (KEYWORD_RANK[a.keyword] ?? 3) - (KEYWORD_RANK[b.keyword] ?? 3));
	const first = pool[0];
	if (first.keyword === 'type') {
		const types = [
			...new Set(pool.filter((e) => e.keyword === 'type').flatMap((e) => [].concat(e.params.type))),
		].filter((t) => t !== 'null');
		return {
			...first,
			params: { ...first.params, type: types.length ? types : first.params.type },
		};
	}
	if (first.keyword === 'enum' || first.keyword === 'const') {
		const allowed = [
			...new Set(
				pool.flatMap((e) =>
					e.keyword === 'enum'
						? e.params.allowedValues
						: e.keyword === 'const'
							? [e.params.allowedValue]
							: [],
				),
			),
		];
		return { ...first, keyword: 'enum', params: { allowedValues: allowed } };
	}
	return first;
}

/** ['thread', 'messages', 0, 'role'] -> 'thread.messages[0].role' */
function formatPath(segments) {
	return segments.reduce(
		(text, part) =>
			typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : String(part),
		'',
	);
}

/** The value at a path of a body, for messages ("got 3"). */
function valueAt(root, segments) {
	return segments.reduce(
		(obj, key) => (obj === undefined || obj === null ? undefined : obj[key]),
		root,
	);
}

// One compiled validator per document and process: compiling takes a moment, checking is fast.
const loaded = new Map();

function specFor(name) {
	if (!loaded.has(name)) {
		const files = {
			openai: 'openai-assistants.yaml',
			griptape: 'griptape-openapi.json',
			haufe: 'haufe-documented.json',
		};
		loaded.set(name, new SpecValidator(loadDocument(files[name]), { name }));
	}
	return loaded.get(name);
}

/**
 * Records what the spec check found on the request log entry, so tests can look at every
 * request and response afterwards: entry.spec = { operation, rejected, errors, undocumented,
 * responseErrors }.
 */
function recordCheck(ctx, check, rejected) {
	const entry = ctx.logEntry;
	if (!entry) return;
	entry.spec = {
		operation: check ? check.operation : null,
		rejected: Boolean(rejected),
		errors: check
			? check.errors.map((e) => ({
					in: e.in,
					path: formatPath(e.path),
					keyword: e.keyword,
					message: e.message,
				}))
			: [],
		undocumented: check ? check.undocumented.map((u) => u.message) : [],
		responseErrors: [],
	};
}

/** Adds response problems to the log entry (created when the request was not checked). */
function recordResponseErrors(ctx, what, errors) {
	if (!errors.length || !ctx.logEntry) return;
	if (!ctx.logEntry.spec) recordCheck(ctx, null, false);
	for (const e of errors.slice(0, 5)) {
		ctx.logEntry.spec.responseErrors.push(
			`${what}: ${formatPath(e.path) || '(root)'} ${e.message}`,
		);
	}
}

/**
 * Checks the request of `ctx` against document `name`, records the result on its log entry
 * and returns { spec, check } (check null: no such operation). `unknownBodyFieldsAreErrors`:
 * body fields the document does not name count as errors (for an API known to refuse them).
 */
function checkContext(ctx, name, { unknownBodyFieldsAreErrors = false } = {}) {
	const spec = specFor(name);
	const check = spec.checkRequest({
		method: ctx.method,
		subpath: ctx.subpath,
		searchParams: ctx.searchParams,
		body: ctx.body,
		headers: ctx.headers,
	});
	if (check && unknownBodyFieldsAreErrors) {
		const unknown = check.undocumented.filter((u) => u.in === 'body' && u.path.length > 0);
		check.errors.push(
			...unknown.map((u) => ({
				in: 'body',
				path: u.path,
				keyword: 'additionalProperties',
				params: {},
				message: 'is not a parameter of this operation',
			})),
		);
		check.undocumented = check.undocumented.filter((u) => !unknown.includes(u));
	}
	recordCheck(ctx, check, check && check.errors.length > 0);
	return { spec, check };
}

/**
 * Has every JSON answer to `ctx` checked against the schema `schemaFor(status)` picks
 * ({key, schema} or null: the document has no answer with that status), recorded on the log.
 */
function checkAnswers(ctx, spec, check, schemaFor) {
	ctx.onJson = (status, body) => {
		const response = schemaFor(status);
		if (!response) {
			recordResponseErrors(ctx, `${status} answer`, [
				{ path: [], message: `status ${status} is not in the document for ${check.operation}` },
			]);
			return;
		}
		const errors = spec.checkAgainst(response.key, response.schema, body);
		recordResponseErrors(
			ctx,
			`${status} answer`,
			response.ignore ? errors.filter((e) => !response.ignore(e, body)) : errors,
		);
	};
}

module.exports = {
	checkContext,
	checkAnswers,
	SpecValidator,
	specFor,
	loadDocument,
	primaryError,
	formatPath,
	valueAt,
	recordCheck,
	recordResponseErrors,
	SPEC_DIR,
};
