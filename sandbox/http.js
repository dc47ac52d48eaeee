'use strict';

/**
 * Small HTTP helpers shared by the generic server and the API modules.
 *
 * Every response goes through sendJson/sendEmpty/openStream so that the fault
 * wrappers (cutStream, malformedLine) can act on it without the API modules
 * knowing about faults.
 */

// Header values that may carry credentials. They are never logged.
const SECRET_HEADERS = new Set([
	'api-key',
	'x-api-key',
	'authorization',
	'proxy-authorization',
	'cookie',
	'set-cookie',
]);

/**
 * Reads the whole request body. Bodies above maxBytes are drained (so the
 * client is not left hanging) but not kept, and flagged as tooLarge.
 */
function readBody(req, maxBytes) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size <= maxBytes) chunks.push(chunk);
		});
		req.on('end', () => {
			const tooLarge = size > maxBytes;
			resolve({ buffer: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), size, tooLarge });
		});
		req.on('error', reject);
	});
}

/** Parses a JSON body; an empty body is `undefined`, not an error. */
function parseJsonBody(buffer) {
	const text = buffer.toString('utf8');
	if (text.trim() === '') return { ok: true, value: undefined };
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch (error) {
		return { ok: false, error };
	}
}

/** Query string as a plain object; for repeated keys the first value wins. */
function queryObject(searchParams) {
	const query = {};
	for (const [key, value] of searchParams) {
		if (!(key in query)) query[key] = value;
	}
	return query;
}

/** Copy of the headers that is safe to keep in the request log. */
function redactHeaders(headers) {
	const safe = {};
	for (const [name, value] of Object.entries(headers)) {
		safe[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '***' : value;
	}
	return safe;
}

function isGone(ctx) {
	return ctx.res.destroyed || ctx.res.writableEnded;
}

/**
 * Sends a JSON response. Under a cutStream fault the body is cut in half and
 * the socket destroyed, which is how a truncated non-streaming response looks.
 */
function sendJson(ctx, status, body, headers = {}) {
	if (isGone(ctx)) return;
	// A module may check what it answers (against its API's response schemas); see spec.js.
	if (ctx.onJson) ctx.onJson(status, body);
	const payload = Buffer.from(JSON.stringify(body));
	ctx.res.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': payload.length,
		...headers,
	});
	if (ctx.fault && ctx.fault.kind === 'cutStream') {
		ctx.res.write(payload.subarray(0, Math.floor(payload.length / 2)));
		destroySoon(ctx);
		return;
	}
	ctx.res.end(payload);
}

/** Sends a response without a body (204, or 200 for the upload PUT). */
function sendEmpty(ctx, status, headers = {}) {
	if (isGone(ctx)) return;
	ctx.res.writeHead(status, headers);
	ctx.res.end();
}

/**
 * Destroys the socket after what was written so far has been flushed; a plain
 * destroy() right after write() could drop the bytes the fault promised to send.
 */
function destroySoon(ctx) {
	ctx.res.write('', () => ctx.req.socket.destroy());
}

/**
 * Starts a chunked streaming response (NDJSON here; SSE for later modules).
 * write() returns false once the stream is gone (client left, or a fault cut
 * it), so producers can stop generating.
 *
 * Faults honoured:
 *  - cutStream {afterChunks}: after n chunks the socket is destroyed.
 *  - malformedLine {afterChunks}: after n good chunks, one `malformedChunk` is sent.
 */
function openStream(ctx, { contentType, malformedChunk }) {
	const { res } = ctx;
	const fault = ctx.fault;
	let written = 0;
	let malformedSent = false;
	let cut = false;

	res.writeHead(200, {
		'Content-Type': contentType,
		'Cache-Control': 'no-cache',
		'X-Accel-Buffering': 'no',
	});
	res.flushHeaders();

	const cutIfDue = () => {
		if (fault && fault.kind === 'cutStream' && written >= (fault.afterChunks || 0)) {
			cut = true;
			destroySoon(ctx);
		}
	};
	cutIfDue();

	return {
		get closed() {
			return cut || isGone(ctx);
		},
		write(chunk) {
			if (this.closed) return false;
			if (
				fault &&
				fault.kind === 'malformedLine' &&
				!malformedSent &&
				written >= (fault.afterChunks || 0)
			) {
				malformedSent = true;
				res.write(malformedChunk);
			}
			res.write(chunk);
			written += 1;
			cutIfDue();
			return !this.closed;
		},
		end() {
			if (!this.closed) res.end();
		},
	};
}

module.exports = {
	readBody,
	parseJsonBody,
	queryObject,
	redactHeaders,
	sendJson,
	sendEmpty,
	openStream,
};
