'use strict';

/**
 * Fault injection: lets a test make the next matching request(s) fail in a
 * chosen way, so retry, timeout and stream-error handling can be exercised
 * deterministically.
 *
 * Faults are checked before authentication and rate limits (they stand for
 * the network or a gateway in front of the API). A fault that fires counts as
 * handled: for 'status' and 'reset' the real handler does not run; 'slow',
 * 'cutStream' and 'malformedLine' wrap the real handler.
 */

const { sendJson } = require('./http');

const FAULT_KINDS = new Set(['status', 'slow', 'reset', 'cutStream', 'malformedLine']);

// Default bodies use the {error_code, detail} shape the APIs use for errors.
const DEFAULT_ERRORS = {
	400: ['bad_request', 'Bad request'],
	401: ['unauthorized', 'Invalid API key'],
	403: ['permission_denied', 'Permission denied'],
	404: ['not_found', 'Not found'],
	408: ['request_timeout', 'Request timed out'],
	409: ['conflict_error', 'Conflict'],
	422: ['unprocessable_entity', 'Unprocessable entity'],
	429: ['rate_limit_error', 'Rate limit exceeded'],
	500: ['internal_server_error', 'Internal server error'],
	502: ['bad_gateway', 'Bad gateway'],
	503: [
		'internal_service_error',
		'An internal service required for processing the request is currently unavailable. Please try again later.',
	],
	504: ['api_timeout_error', 'API request timed out.'],
};

function defaultErrorBody(status) {
	const [errorCode, detail] = DEFAULT_ERRORS[status] || [
		`http_${status}`,
		`Injected HTTP ${status}`,
	];
	return { error_code: errorCode, detail };
}

/** A path given as a string (e.g. over HTTP) is a regular expression source. */
function toRegExp(path) {
	if (path === undefined || path === null || path === '') return null;
	if (path instanceof RegExp) return path;
	if (typeof path === 'string') return new RegExp(path);
	throw new Error('fault path must be a RegExp or a regular expression string');
}

/** Matched against the path without the query string. */
function pathMatches(regex, path) {
	if (!regex) return true;
	regex.lastIndex = 0; // a /g or /y regex would otherwise remember where it stopped
	return regex.test(path);
}

/** times: default 1; -1, 0 or Infinity mean "until cleared". */
function normaliseTimes(times) {
	if (times === undefined || times === null) return 1;
	const n = Number(times);
	if (!Number.isFinite(n) || n <= 0) return Infinity;
	return Math.floor(n);
}

function validateSpec(spec) {
	if (!spec || typeof spec !== 'object') throw new Error('fault must be an object');
	if (!FAULT_KINDS.has(spec.kind)) {
		throw new Error(`fault kind must be one of ${[...FAULT_KINDS].join(', ')}`);
	}
	if (spec.kind === 'status' && !Number.isInteger(Number(spec.status))) {
		throw new Error("fault kind 'status' needs an integer 'status'");
	}
	if (spec.kind === 'slow' && !(Number(spec.delayMs) >= 0)) {
		throw new Error("fault kind 'slow' needs 'delayMs' >= 0");
	}
}

function createFaultRegistry() {
	let nextId = 1;
	const faults = [];

	return {
		/** Registers a fault; returns its id. Throws on an invalid spec. */
		add(spec) {
			validateSpec(spec);
			const { method, path, kind, times, ...params } = spec;
			const fault = {
				...params,
				id: nextId++,
				kind,
				method: method ? String(method).toUpperCase() : null,
				path: toRegExp(path),
				remaining: normaliseTimes(times),
			};
			if (kind === 'status') fault.status = Number(fault.status);
			faults.push(fault);
			return fault.id;
		},
		remove(id) {
			const index = faults.findIndex((fault) => fault.id === id);
			if (index >= 0) faults.splice(index, 1);
			return index >= 0;
		},
		clear() {
			faults.length = 0;
		},
		list() {
			return faults.map((fault) => ({ ...fault, path: fault.path ? String(fault.path) : null }));
		},
		/**
		 * Finds the first fault matching the request and uses up one of its `times`. A fault
		 * with `skip: n` first lets n matching requests through (e.g. to fail the second item of
		 * a batch rather than the first).
		 */
		take(method, path) {
			const fault = faults.find(
				(f) => (!f.method || f.method === method) && pathMatches(f.path, path),
			);
			if (!fault) return null;
			if (fault.skip > 0) {
				fault.skip -= 1;
				return null;
			}
			fault.remaining -= 1;
			if (fault.remaining <= 0) this.remove(fault.id);
			return fault;
		},
	};
}

/**
 * Runs a request under a fault. `next` is the real handling of the request.
 * `sleep` is the server's cancellable sleep, so close() does not wait for it.
 */
async function applyFault(fault, ctx, next, sleep) {
	switch (fault.kind) {
		case 'status':
			return sendStatusFault(fault, ctx);
		case 'reset':
			// No response at all: the client sees ECONNRESET / "socket hang up".
			ctx.req.socket.destroy();
			return undefined;
		case 'slow':
			await sleep(Number(fault.delayMs));
			return next();
		default:
			// cutStream / malformedLine act inside sendJson/openStream via ctx.fault.
			ctx.fault = fault;
			return next();
	}
}

function sendStatusFault(fault, ctx) {
	const headers = { ...(fault.headers || {}) };
	if (fault.retryAfter !== undefined && fault.retryAfter !== null) {
		headers['Retry-After'] = String(fault.retryAfter);
	}
	if (fault.status === 204 || fault.status === 304) {
		ctx.res.writeHead(fault.status, headers);
		ctx.res.end();
		return;
	}
	sendJson(
		ctx,
		fault.status,
		fault.body !== undefined ? fault.body : defaultErrorBody(fault.status),
		headers,
	);
}

module.exports = { createFaultRegistry, applyFault, defaultErrorBody, FAULT_KINDS };
