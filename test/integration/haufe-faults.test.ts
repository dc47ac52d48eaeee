/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * How the Haufe Copilot node behaves when the API misbehaves: rate limits, server errors,
 * broken streams, wrong keys, unreachable hosts, cancellation. Nothing is lost, nothing is
 * done twice, and the API key never leaks.
 */
import { json, locator, seedThread, useHaufeSandbox } from '../helpers/haufe';
import { runNode } from '../helpers/n8n-harness';

const ctx = useHaufeSandbox({ streamChunkDelayMs: 5 });

const runOf = (threadId: string, operation = 'run') => ({
	resource: 'run',
	operation,
	threadId: locator(threadId),
});
const answerRequests = () =>
	ctx.sandbox.requests.filter((entry) => /\/run(\/stream)?$/.test(entry.path));

it('retries a run after 429 with Retry-After, and creates exactly one answer', async () => {
	const threadId = await seedThread(ctx.sandbox, ctx.hr, ['Frage']);
	ctx.sandbox.faults.add({
		method: 'POST',
		path: /\/run$/,
		kind: 'status',
		status: 429,
		retryAfter: 1,
	});
	const started = Date.now();
	const [answer] = json(await ctx.run(runOf(threadId)));
	expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	expect(answer.content).toMatch(/^Answer to: Frage/);
	expect(answerRequests().map((entry) => entry.status)).toEqual([429, 200]);
	expect(ctx.sandbox.haufe.stats.runsByThread.get(threadId)).toBe(1);
	const stored = ctx.sandbox.haufe.state.messages.get(threadId) ?? [];
	expect(stored.filter((message) => message.role === 'assistant')).toHaveLength(1);
});

it('retries a GET after a 500', async () => {
	ctx.sandbox.faults.add({
		method: 'GET',
		path: /\/assistants$/,
		kind: 'status',
		status: 500,
		times: 2,
	});
	const assistants = json(
		await ctx.run({ resource: 'assistant', operation: 'getAll', returnAll: true }),
	);
	expect(assistants).toHaveLength(2);
	expect(ctx.sandbox.requests.map((entry) => entry.status)).toEqual([500, 500, 200]);
});

it('does not retry a run after a 500, and says so clearly', async () => {
	const threadId = await seedThread(ctx.sandbox, ctx.hr, ['Frage']);
	ctx.sandbox.faults.add({
		method: 'POST',
		path: /\/run$/,
		kind: 'status',
		status: 500,
		body: { error_code: 'api_timeout_error', detail: 'OpenAI API request timed out.' },
	});
	const result = await ctx.run(runOf(threadId));
	expect(result.error?.message).toBe(
		'Haufe Copilot error api_timeout_error (HTTP 500): OpenAI API request timed out.',
	);
	expect(result.error?.description).toMatch(/the question was not answered/);
	expect(answerRequests()).toHaveLength(1);
});

it('does not retry a run whose connection was reset, since it may have been answered', async () => {
	const threadId = await seedThread(ctx.sandbox, ctx.hr, ['Frage']);
	ctx.sandbox.faults.add({ method: 'POST', path: /\/run$/, kind: 'reset' });
	const result = await ctx.run(runOf(threadId));
	expect(result.error?.message).toMatch(
		/^The connection to Haufe Copilot broke off during POST .*\/run \(ECONNRESET\)$/,
	);
	expect(result.error?.description).toMatch(
		/may have stored an answer in thread .*: look at the thread's messages/,
	);
	expect(answerRequests()).toHaveLength(1);
});

it('retries a GET whose connection was reset', async () => {
	ctx.sandbox.faults.add({ method: 'GET', path: /\/assistants$/, kind: 'reset' });
	expect(
		json(await ctx.run({ resource: 'assistant', operation: 'getAll', returnAll: true })),
	).toHaveLength(2);
});

it('retries 429 beyond Max Retries: the server did not act, so only the time limit ends the retries', async () => {
	ctx.sandbox.faults.add({
		method: 'GET',
		path: /\/assistants$/,
		kind: 'status',
		status: 429,
		retryAfter: 0,
		times: 4,
		body: { message: 'Rate limit exceeded!' },
	});
	const result = await ctx.run({
		resource: 'assistant',
		operation: 'getAll',
		returnAll: true,
		requestOptions: { maxRetries: 1 },
	});
	expect(json(result)).toHaveLength(2);
	expect(ctx.sandbox.requests.map((entry) => entry.status)).toEqual([429, 429, 429, 429, 200]);
});

it('gives up on 429 when the time limit is over, and says what was not answered', async () => {
	ctx.sandbox.faults.add({
		method: 'GET',
		path: /\/assistants$/,
		kind: 'status',
		status: 429,
		retryAfter: 1,
		times: 0,
		body: { message: 'Rate limit exceeded!' },
	});
	const started = Date.now();
	const result = await ctx.run({
		resource: 'assistant',
		operation: 'getAll',
		returnAll: true,
		requestOptions: { timeout: 2 },
	});
	expect(Date.now() - started).toBeLessThan(4000);
	expect(result.error?.message).toMatch(
		/rate limit \(429\) still reached after \d+ s: the API refused GET .*\/assistants 2 times, the time limit is over and it was not answered/,
	);
	expect(result.error?.description).toMatch(/Raise Timeout, lower the concurrency/);
	expect(ctx.sandbox.requests).toHaveLength(2);
});

it('tells a wrong API key apart from an unreachable URL', async () => {
	const wrongKey = await ctx.run(
		{ resource: 'assistant', operation: 'getAll', returnAll: true },
		{ credentials: { apiKey: 'wrong' } },
	);
	expect(wrongKey.error?.message).toBe(
		'Haufe Copilot error unauthorized (HTTP 401): Invalid API key',
	);
	expect(wrongKey.error?.description).toMatch(/check the key in the Haufe Copilot credential/);

	const unreachable = await ctx.run(
		{
			resource: 'assistant',
			operation: 'getAll',
			returnAll: true,
			requestOptions: { maxRetries: 0 },
		},
		{ credentials: { baseUrl: 'http://127.0.0.1:9/agents/v1' } },
	);
	expect(unreachable.error?.message).toBe(
		'Could not reach Haufe Copilot at http://127.0.0.1:9/agents/v1/assistants (ECONNREFUSED)',
	);
	expect(unreachable.error?.description).toMatch(/check the base URL/);
});

it('reports a stream cut mid-way as an error, never as a partial answer', async () => {
	const threadId = await seedThread(ctx.sandbox, ctx.hr, ['Frage']);
	ctx.sandbox.faults.add({
		method: 'POST',
		path: /\/run\/stream$/,
		kind: 'cutStream',
		afterChunks: 4,
	});
	const result = await ctx.run(runOf(threadId, 'stream'), { streaming: true });
	expect(result.items).toHaveLength(0);
	expect(result.error?.message).toBe(
		'The Haufe Copilot answer stream broke off after 4 chunks; no answer is reported',
	);
	expect(result.error?.description).toMatch(
		/look at the thread's messages before running it again/,
	);
	expect(answerRequests()).toHaveLength(1);
	expect(result.chunks.map((chunk) => chunk.type)).toEqual([
		'begin',
		'item',
		'item',
		'item',
		'item',
		'error',
	]);
});

it('reports a malformed NDJSON line with its line number', async () => {
	const threadId = await seedThread(ctx.sandbox, ctx.hr, ['Frage']);
	ctx.sandbox.faults.add({
		method: 'POST',
		path: /\/run\/stream$/,
		kind: 'malformedLine',
		afterChunks: 2,
	});
	const result = await ctx.run(runOf(threadId, 'stream'));
	expect(result.items).toHaveLength(0);
	expect(result.error?.message).toMatch(
		/^Haufe Copilot sent an unreadable answer stream after 2 chunks: Line 3 of the stream is not valid JSON/,
	);
});

it('keeps what Ask already created in the error item, so nothing is done twice', async () => {
	ctx.sandbox.faults.add({ method: 'POST', path: /\/run$/, kind: 'status', status: 500 });
	const result = await ctx.run(
		{ resource: 'question', operation: 'ask', assistantId: locator(ctx.hr), question: 'Frage' },
		{ continueOnFail: true },
	);
	const [item] = result.items;
	const threadId = [...ctx.sandbox.haufe.state.threads.keys()][0];
	expect(Object.keys(item.json)).toEqual(['error', 'details']);
	expect(item.json.details).toMatchObject({
		question: 'Frage',
		thread_id: threadId,
		user_message_id: expect.any(String),
		httpCode: '500',
	});
	expect(item.json.error).toMatch(/HTTP 500/);
});

it('stops waiting when the execution is cancelled', async () => {
	const threadId = await seedThread(ctx.sandbox, ctx.hr, ['Frage']);
	ctx.sandbox.faults.add({
		method: 'POST',
		path: /\/run$/,
		kind: 'status',
		status: 429,
		retryAfter: 30,
	});
	const started = Date.now();
	const result = await ctx.run(runOf(threadId), { onStart: (cancel) => setTimeout(cancel, 300) });
	expect(Date.now() - started).toBeLessThan(5000);
	expect(result.items).toHaveLength(0);
	expect(answerRequests()).toHaveLength(1);
});

it('never shows the API key in output, errors or logs', async () => {
	const secret = 'hk-live-7f3a9c1e5b2d4f6a8c0e';
	ctx.sandbox.haufe.configure({ apiKeys: [secret] });
	const printed: string[] = [];
	const capture = (stream: NodeJS.WriteStream) =>
		jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
			printed.push(String(chunk));
			return true;
		});
	const spies = [capture(process.stdout), capture(process.stderr)];
	const consoleSpies = (['log', 'warn', 'error', 'info', 'debug'] as const).map((method) =>
		jest
			.spyOn(console, method)
			.mockImplementation((...args: unknown[]) => printed.push(args.map(String).join(' '))),
	);
	const results = [];
	try {
		const credentials = { apiKey: secret };
		const threadId = await seedThreadWithKey(secret);
		ctx.sandbox.faults.add({
			method: 'POST',
			path: /\/run$/,
			kind: 'status',
			status: 429,
			retryAfter: 0,
		});
		results.push(
			await ctx.run({ ...runOf(threadId), options: { includeRequest: true } }, { credentials }),
		);
		results.push(
			await ctx.run(
				{ resource: 'thread', operation: 'get', threadId: locator('nope') },
				{ credentials },
			),
		);
		results.push(
			await ctx.run(
				{ resource: 'assistant', operation: 'getAll', returnAll: true },
				{ credentials: { apiKey: `${secret}-wrong` } },
			),
		);
		ctx.sandbox.faults.add({
			method: 'POST',
			path: /\/run\/stream$/,
			kind: 'cutStream',
			afterChunks: 1,
		});
		results.push(await ctx.run(runOf(await seedThreadWithKey(secret), 'stream'), { credentials }));
		results.push(
			await runNode({
				type: 'haufeCopilot',
				parameters: {
					resource: 'assistant',
					operation: 'getAll',
					returnAll: true,
					requestOptions: { maxRetries: 0 },
				},
				credentials: { haufeCopilotApi: { apiKey: secret, baseUrl: 'http://127.0.0.1:9' } },
			}),
		);
	} finally {
		[...spies, ...consoleSpies].forEach((spy) => spy.mockRestore());
	}
	expect(results[0].items).toHaveLength(1);
	expect(results.slice(1).map((result) => result.error?.message)).toEqual([
		expect.stringContaining('thread_not_found'),
		expect.stringContaining('unauthorized'),
		expect.stringContaining('stream broke off'),
		expect.stringContaining('ECONNREFUSED'),
	]);
	for (const result of results) {
		const everything = JSON.stringify(result.run, (_key, value) =>
			value instanceof Error
				? {
						...value,
						message: value.message,
						stack: value.stack,
						description: (value as { description?: string }).description,
					}
				: value,
		);
		expect(everything).not.toContain(secret);
	}
	expect(printed.join('\n')).not.toContain(secret);
	expect(JSON.stringify(ctx.sandbox.requests)).not.toContain(secret);

	async function seedThreadWithKey(key: string) {
		const headers = { 'api-key': key, 'content-type': 'application/json' };
		const base = ctx.sandbox.haufe.baseUrl;
		const thread = (await (
			await fetch(`${base}/threads`, {
				method: 'POST',
				headers,
				body: JSON.stringify({ assistant_id: ctx.hr }),
			})
		).json()) as { id: string };
		await fetch(`${base}/threads/${thread.id}/messages`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ role: 'user', content: 'Frage' }),
		});
		return thread.id;
	}
});
