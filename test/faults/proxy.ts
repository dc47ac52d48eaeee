/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * A fault-injecting HTTP proxy of the project's own, between the nodes and the sandbox. It
 * stands for the network and whatever sits in it (gateways, load balancers, a hung server): it
 * forwards requests, counts them, and breaks the ones a rule matches in one of the ways real
 * networks break them. Node's http module only, 127.0.0.1 only.
 *
 * Every forwarded request carries `x-fault-case: <case id>`, so that what reached the sandbox
 * can be counted per case too (the sandbox logs request headers).
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const FAULT_KINDS = [
	'resetBeforeBody',
	'resetAfterBody',
	'cutAfterHeaders',
	'cutMidBody',
	'cutMidStream',
	'noEndMarker',
	'empty200',
	'html200',
	'nonJson200',
	'emptyObject200',
	'byteByByte',
	'trickle',
	'hang',
	'stall',
	'retryAfterSeconds',
	'retryAfterDate',
	'retryAfterFar',
	'burst5xx',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Faults for random rules (`chance`), outside the table of FAULT_KINDS that every operation is run
 * under: single error statuses, and a body cut where the HTTP layer cannot tell.
 */
export const RANDOM_FAULT_KINDS = [
	'status500',
	'gateway502',
	'refused429',
	'cutCloseDelimited',
] as const;

export type RandomFaultKind = (typeof RANDOM_FAULT_KINDS)[number];

export type ProxyFaultKind = FaultKind | RandomFaultKind;

/** What each kind does, for test names and the suite's note. */
export const FAULT_DESCRIPTIONS: Record<FaultKind, string> = {
	resetBeforeBody: 'connection reset before the request body (not forwarded)',
	resetAfterBody: 'connection reset after the request body (forwarded; the server acted)',
	cutAfterHeaders: 'cut right after the response headers',
	cutMidBody: 'cut in the middle of the response body',
	cutMidStream: 'stream cut (connection dropped) half-way',
	noEndMarker: 'stream ended cleanly half-way, without its end marker',
	empty200: '200 with an empty body (the server acted)',
	html200: '200 with an HTML page (the server acted)',
	nonJson200: '200 with a body that is not JSON (the server acted)',
	emptyObject200: '200 with {} (the server acted)',
	byteByByte: 'answer delivered one byte at a time',
	trickle: 'answer trickled in small pieces with pauses',
	hang: 'server never answers (it received the request)',
	stall: 'stream stops half-way and stays open',
	retryAfterSeconds: '429 with Retry-After: 1 (seconds)',
	retryAfterDate: '429 with Retry-After as an HTTP date about 1 s ahead',
	retryAfterFar: '429 with Retry-After: 3600',
	burst5xx: 'two 5xx answers in a row (an HTML 502, then a JSON 503)',
};

/** A small seeded generator (mulberry32): the same faults fall the same way on every run. */
export function seeded(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface FaultRule {
	kind: ProxyFaultKind;
	method?: string;
	path: RegExp;
	/** How many matching requests it breaks (default 1; burst5xx: 2). */
	times?: number;
	/** Matching requests let through first. */
	skip?: number;
	/**
	 * Breaks each matching request with this probability, without end (`times` is ignored), with
	 * a kind drawn from `among` (default: `kind`).
	 */
	chance?: number;
	among?: readonly ProxyFaultKind[];
	/** The random numbers for `chance` and `among` (seeded, so a run can be repeated). */
	random?: () => number;
}

export interface ProxyEntry {
	method: string;
	/** The request target exactly as the client sent it (path and query, not normalised). */
	url: string;
	path: string;
	body: string;
	fault?: ProxyFaultKind;
	at: number;
}

export const BLOCK_PAGE_TITLE = 'Access denied by the corporate proxy';
const BLOCK_PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${BLOCK_PAGE_TITLE}</title><style>body{font-family:sans-serif}</style></head><body><h1>Access denied</h1><p>${'The site you requested is blocked by policy. '.repeat(20)}</p></body></html>`;
export const GATEWAY_PAGE_TITLE = '502 Bad Gateway';
const GATEWAY_PAGE = `<html>\r\n<head><title>${GATEWAY_PAGE_TITLE}</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

const HOP_BY_HOP = new Set([
	'connection',
	'keep-alive',
	'transfer-encoding',
	'content-length',
	'proxy-connection',
	'upgrade',
]);

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

function isStream(contentType: string | undefined): boolean {
	return /event-stream|ndjson|jsonl/i.test(contentType ?? '');
}

/** A stream's records: NDJSON lines, SSE events, or (raw text) words, each with its separator. */
export function records(body: Buffer, contentType: string | undefined): Buffer[] {
	const text = body.toString('utf8');
	let parts: string[];
	if (/ndjson|jsonl/i.test(contentType ?? '')) parts = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
	else if (/^(data|event|id|:)/m.test(text) && /\n\n/.test(text))
		parts = text.match(/[\s\S]*?\n\n|[\s\S]+$/g) ?? [];
	else parts = text.match(/\S+\s*|\s+/g) ?? [];
	return parts.map((part) => Buffer.from(part, 'utf8'));
}

interface Upstream {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

export class FaultProxy {
	readonly log: ProxyEntry[] = [];

	private readonly rules: Array<FaultRule & { remaining: number; skipLeft: number }> = [];

	private readonly sockets = new Set<Socket>();

	private readonly server: http.Server;

	private upstreamOrigin: string;

	origin = '';

	/** Called when a request arrives (before it is forwarded), e.g. to change the sandbox's state mid-poll. */
	onRequest?: (entry: ProxyEntry) => void | Promise<void>;

	/** Called once the server answered a forwarded request, before the answer goes back to the client. */
	onAnswered?: (entry: ProxyEntry) => void | Promise<void>;

	private constructor(
		upstream: string,
		readonly caseId: string,
	) {
		this.upstreamOrigin = new URL(upstream).origin;
		this.server = http.createServer((req, res) => {
			this.handle(req, res).catch(() => req.socket.destroy());
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.setNoDelay(true);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	static async start(upstream: string, caseId: string): Promise<FaultProxy> {
		const proxy = new FaultProxy(upstream, caseId);
		await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
		proxy.origin = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
		return proxy;
	}

	/** A URL of the sandbox, as reached through this proxy. */
	through(url: string): string {
		return url.replace(this.upstreamOrigin, this.origin);
	}

	add(rule: FaultRule): this {
		const times =
			rule.chance !== undefined ? Infinity : (rule.times ?? (rule.kind === 'burst5xx' ? 2 : 1));
		this.rules.push({ ...rule, remaining: times, skipLeft: rule.skip ?? 0 });
		return this;
	}

	/** How many requests matched `method` and `path` (counted on arrival). */
	count(method: string, path: RegExp): number {
		return this.log.filter((entry) => entry.method === method && path.test(entry.path)).length;
	}

	/** How many rules fired at least once. */
	get fired(): number {
		return this.log.filter((entry) => entry.fault).length;
	}

	async close(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private take(method: string, path: string): ProxyFaultKind | undefined {
		const rule = this.rules.find(
			(candidate) =>
				candidate.remaining > 0 &&
				(!candidate.method || candidate.method === method) &&
				candidate.path.test(path),
		);
		if (!rule) return undefined;
		if (rule.skipLeft > 0) {
			rule.skipLeft--;
			return undefined;
		}
		if (rule.chance !== undefined) {
			const random = rule.random ?? Math.random;
			if (random() >= rule.chance) return undefined;
			const among = rule.among ?? [rule.kind];
			return among[Math.floor(random() * among.length)];
		}
		rule.remaining--;
		return rule.kind;
	}

	private async readBody(req: http.IncomingMessage): Promise<Buffer> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks);
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const method = String(req.method);
		const url = String(req.url);
		const path = url.split('?')[0];
		const fault = this.take(method, path);
		const entry: ProxyEntry = { method, url, path, body: '', fault, at: Date.now() };
		this.log.push(entry);

		if (fault === 'resetBeforeBody') {
			req.socket.destroy();
			return;
		}
		const body = await this.readBody(req);
		entry.body = body.toString('utf8');
		await this.onRequest?.(entry);

		if (fault === 'retryAfterSeconds' || fault === 'retryAfterDate' || fault === 'retryAfterFar') {
			const retryAfter =
				fault === 'retryAfterSeconds'
					? '1'
					: fault === 'retryAfterFar'
						? '3600'
						: new Date(Date.now() + 1000).toUTCString();
			this.send(
				res,
				429,
				{ 'Content-Type': 'application/json', 'Retry-After': retryAfter },
				JSON.stringify({
					error: {
						message: 'Rate limit reached for requests',
						type: 'requests',
						code: 'rate_limit_exceeded',
					},
				}),
			);
			return;
		}
		if (fault === 'status500') {
			this.send(
				res,
				500,
				{ 'Content-Type': 'application/json' },
				JSON.stringify({ type: 'InternalServerError', errors: [{ message: 'HTTP 500' }] }),
			);
			return;
		}
		if (fault === 'gateway502') {
			this.send(res, 502, { 'Content-Type': 'text/html' }, GATEWAY_PAGE);
			return;
		}
		if (fault === 'refused429') {
			this.send(
				res,
				429,
				{ 'Content-Type': 'application/json', 'Retry-After': '0' },
				JSON.stringify({ type: 'TooManyRequests', errors: [{ message: 'Too many requests' }] }),
			);
			return;
		}
		if (fault === 'burst5xx') {
			// The first of the burst is a gateway's HTML page, the next the API's own JSON.
			const first = this.log.filter((logged) => logged.fault === 'burst5xx').length === 1;
			if (first) this.send(res, 502, { 'Content-Type': 'text/html' }, GATEWAY_PAGE);
			else
				this.send(
					res,
					503,
					{ 'Content-Type': 'application/json' },
					JSON.stringify({ detail: 'Service temporarily unavailable' }),
				);
			return;
		}

		const upstream = await this.forward(req, url, body);
		await this.onAnswered?.(entry);
		if (fault === 'hang') return; // The server acted; the answer never comes. The socket stays open.
		if (fault === 'resetAfterBody') {
			req.socket.destroy();
			return;
		}
		const contentType = upstream.headers['content-type'];
		const headers = this.headersOf(upstream);
		const payload = isStream(contentType)
			? upstream.body
			: Buffer.from(this.through(upstream.body.toString('utf8')), 'utf8');

		switch (fault) {
			case 'cutCloseDelimited': {
				// No Content-Length and no chunks: the body ends where the connection closes, so a
				// body cut half-way looks complete to the client.
				const head = [
					`HTTP/1.1 ${upstream.status} OK`,
					`Content-Type: ${contentType ?? 'application/json'}`,
					'Connection: close',
					'',
					'',
				].join('\r\n');
				req.socket.end(
					Buffer.concat([
						Buffer.from(head, 'utf8'),
						payload.subarray(0, Math.floor(payload.length / 2)),
					]),
				);
				return;
			}
			case 'cutAfterHeaders':
				// The framing still promises a body (Content-Length, or chunks that never end).
				res.writeHead(
					upstream.status,
					isStream(contentType) ? headers : { ...headers, 'Content-Length': payload.length },
				);
				res.flushHeaders();
				return this.destroySoon(res);
			case 'cutMidBody':
			case 'cutMidStream':
			case 'noEndMarker':
			case 'stall': {
				const stream = isStream(contentType);
				const parts = stream
					? records(payload, contentType)
					: [payload.subarray(0, Math.floor(payload.length / 2))];
				const half = stream ? parts.slice(0, Math.floor(parts.length / 2)) : parts;
				res.writeHead(
					upstream.status,
					stream ? headers : { ...headers, 'Content-Length': payload.length },
				);
				for (const part of half) {
					res.write(part);
					if (stream) await sleep(1);
				}
				if (fault === 'noEndMarker' && stream) res.end();
				else if (fault === 'stall') res.write('');
				else this.destroySoon(res);
				return;
			}
			case 'empty200':
				return this.send(res, 200, { 'Content-Type': contentType ?? 'application/json' }, '');
			case 'html200':
				return this.send(res, 200, { 'Content-Type': 'text/html; charset=utf-8' }, BLOCK_PAGE);
			case 'nonJson200':
				return this.send(
					res,
					200,
					{ 'Content-Type': contentType ?? 'application/json' },
					'upstream connect error or disconnect/reset before headers. reset reason: overflow',
				);
			case 'emptyObject200':
				return this.send(
					res,
					200,
					{ 'Content-Type': isStream(contentType) ? contentType! : 'application/json' },
					'{}',
				);
			case 'byteByByte': {
				res.writeHead(upstream.status, headers);
				// One byte per write (up to 4 KiB; larger bodies continue in 64-byte pieces).
				for (let offset = 0; offset < payload.length; ) {
					const size = offset < 4096 ? 1 : 64;
					res.write(payload.subarray(offset, offset + size));
					offset += size;
					await new Promise((resolve) => setImmediate(resolve));
				}
				res.end();
				return;
			}
			case 'trickle': {
				res.writeHead(upstream.status, headers);
				const piece = Math.max(1, Math.ceil(payload.length / 12));
				for (let offset = 0; offset < payload.length; offset += piece) {
					res.write(payload.subarray(offset, offset + piece));
					await sleep(15);
				}
				res.end();
				return;
			}
			default:
				res.writeHead(upstream.status, headers);
				res.end(payload);
		}
	}

	/** Forwards the request and reads the whole answer (so the server has finished acting). */
	private async forward(req: http.IncomingMessage, url: string, body: Buffer): Promise<Upstream> {
		const target = new URL(url, this.upstreamOrigin);
		return await new Promise<Upstream>((resolve, reject) => {
			const headers = { ...req.headers, 'x-fault-case': this.caseId };
			delete headers['content-length'];
			delete headers['transfer-encoding'];
			const upstream = http.request(
				{
					hostname: target.hostname,
					port: target.port,
					method: req.method,
					path: `${target.pathname}${target.search}`,
					headers: { ...headers, 'content-length': body.length },
				},
				(response) => {
					const chunks: Buffer[] = [];
					response.on('data', (chunk: Buffer) => chunks.push(chunk));
					response.on('end', () =>
						resolve({
							status: response.statusCode ?? 502,
							headers: response.headers,
							body: Buffer.concat(chunks),
						}),
					);
					response.on('error', reject);
					response.on('aborted', () =>
						resolve({
							status: response.statusCode ?? 502,
							headers: response.headers,
							body: Buffer.concat(chunks),
						}),
					);
				},
			);
			upstream.on('error', reject);
			upstream.end(body);
		});
	}

	private headersOf(upstream: Upstream): http.OutgoingHttpHeaders {
		const headers: http.OutgoingHttpHeaders = {};
		for (const [name, value] of Object.entries(upstream.headers)) {
			if (value === undefined || HOP_BY_HOP.has(name)) continue;
			headers[name] = name === 'location' ? this.through(String(value)) : value;
		}
		return headers;
	}

	private send(
		res: http.ServerResponse,
		status: number,
		headers: http.OutgoingHttpHeaders,
		body: string,
	): void {
		const payload = Buffer.from(body, 'utf8');
		res.writeHead(status, { ...headers, 'Content-Length': payload.length });
		res.end(payload);
	}

	/** Drops the connection once what was written is flushed (a bare destroy could drop it too). */
	private destroySoon(res: http.ServerResponse): void {
		res.write('', () => res.socket?.destroy());
	}
}
