/**
 * OpenAI's official `openai` package drives the sandbox's OpenAI-style Assistants v2 API:
 * if the official client can do everything it offers for threads against the sandbox
 * (CRUD, cursor pagination, the poll and stream helpers, tool outputs, cancel, error classes),
 * the sandbox speaks the wire format real servers and clients speak. After each test every
 * request, answer and streamed event is held against the vendor document (sandbox/spec.js).
 */
import OpenAI, { AuthenticationError, BadRequestError, NotFoundError } from 'openai';

import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import { expectSpecClean, specFindings } from '../helpers/spec';

let sandbox: Sandbox;
let client: OpenAI;
/** Requests a test expects the document to reject (checked by the test itself). */
let expectRejected = false;

const ids = () => sandbox.openai.ids;
const poll = { pollIntervalMs: 10 };

beforeAll(async () => {
	sandbox = await startSandbox({ port: 0, openai: { runStepMs: 5, tokenDelayMs: 1 } });
	client = new OpenAI({
		apiKey: 'sandbox-openai-key',
		baseURL: sandbox.openai.baseUrl,
		maxRetries: 0,
		timeout: 10_000,
	});
});

afterEach(() => {
	if (!expectRejected) expectSpecClean(sandbox);
	expectRejected = false;
	sandbox.reset();
	sandbox.openai.configure({ maxPageSize: 100 });
});

afterAll(async () => await sandbox?.close());

async function threadWith(...contents: string[]) {
	return await client.beta.threads.create({
		messages: contents.map((content) => ({ role: 'user' as const, content })),
	});
}

describe('assistants', () => {
	it('lists with auto-pagination across pages and retrieves one', async () => {
		sandbox.openai.configure({ maxPageSize: 1 });
		const all = [];
		for await (const assistant of client.beta.assistants.list({ order: 'asc', limit: 1 }))
			all.push(assistant.id);
		expect(all).toEqual([ids().assistant, ids().toolAssistant]);
		const page = await client.beta.assistants.list({ order: 'asc', limit: 1 });
		expect(page.hasNextPage()).toBe(true);
		expect((await page.getNextPage()).data.map((a) => a.id)).toEqual([ids().toolAssistant]);
		const assistant = await client.beta.assistants.retrieve(ids().toolAssistant);
		expect(assistant.tools[0]).toMatchObject({
			type: 'function',
			function: { name: 'get_weather' },
		});
	});
});

describe('threads and messages', () => {
	it('creates, retrieves, updates and deletes a thread with messages, metadata and tool resources', async () => {
		const thread = await client.beta.threads.create({
			messages: [
				{
					role: 'user',
					content: 'Lies das',
					attachments: [{ file_id: 'file-1', tools: [{ type: 'file_search' }] }],
					metadata: { source: 'sdk' },
				},
			],
			metadata: { customer: '42' },
			tool_resources: {
				code_interpreter: { file_ids: ['file-2'] },
				file_search: { vector_stores: [{ file_ids: ['file-3'] }] },
			},
		});
		expect(thread).toMatchObject({ object: 'thread', metadata: { customer: '42' } });
		expect(thread.tool_resources?.file_search?.vector_store_ids?.[0]).toMatch(/^vs_/);
		expect((await client.beta.threads.retrieve(thread.id)).id).toBe(thread.id);
		const updated = await client.beta.threads.update(thread.id, {
			metadata: { customer: '43' },
			tool_resources: { code_interpreter: { file_ids: [] } },
		});
		expect(updated.metadata).toEqual({ customer: '43' });
		expect(await client.beta.threads.delete(thread.id)).toEqual({
			id: thread.id,
			object: 'thread.deleted',
			deleted: true,
		});
		await expect(client.beta.threads.retrieve(thread.id)).rejects.toBeInstanceOf(NotFoundError);
	});

	it('creates, lists page by page (after and before), retrieves, updates and deletes messages', async () => {
		const thread = await threadWith('eins');
		for (const content of ['zwei', 'drei', 'vier']) {
			await client.beta.threads.messages.create(thread.id, {
				role: 'user',
				content: [{ type: 'text', text: content }],
			});
		}
		sandbox.openai.configure({ maxPageSize: 2 });
		const texts = [];
		for await (const message of client.beta.threads.messages.list(thread.id, { order: 'asc' })) {
			texts.push(message.content[0].type === 'text' ? message.content[0].text.value : '');
		}
		expect(texts).toEqual(['eins', 'zwei', 'drei', 'vier']);
		const newest = await client.beta.threads.messages.list(thread.id, { limit: 2 });
		expect(
			newest.data.map((m) => (m.content[0].type === 'text' ? m.content[0].text.value : '')),
		).toEqual(['vier', 'drei']);
		const older = await newest.getNextPage();
		expect(older.data).toHaveLength(2);
		// Oldest first, the two just before "vier": "zwei" and "drei".
		const before = await client.beta.threads.messages.list(thread.id, {
			order: 'asc',
			before: newest.data[0].id,
			limit: 2,
		});
		expect(before.data.map((m) => m.id)).toEqual([older.data[0].id, newest.data[1].id]);

		const first = older.data[1];
		expect(
			(await client.beta.threads.messages.retrieve(first.id, { thread_id: thread.id })).id,
		).toBe(first.id);
		const changed = await client.beta.threads.messages.update(first.id, {
			thread_id: thread.id,
			metadata: { seen: 'yes' },
		});
		expect(changed.metadata).toEqual({ seen: 'yes' });
		expect(
			await client.beta.threads.messages.delete(first.id, { thread_id: thread.id }),
		).toMatchObject({ deleted: true, object: 'thread.message.deleted' });
	});
});

describe('runs', () => {
	it('createAndPoll waits for the answer; runs, steps and messages of the run can be read and the run updated', async () => {
		const thread = await threadWith('Wie lang ist die Probezeit?');
		const run = await client.beta.threads.runs.createAndPoll(
			thread.id,
			{ assistant_id: ids().assistant, additional_instructions: 'Kurz.', metadata: { via: 'sdk' } },
			poll,
		);
		expect(run).toMatchObject({ status: 'completed', metadata: { via: 'sdk' } });
		expect(run.usage?.completion_tokens).toBeGreaterThan(0);
		const messages = await client.beta.threads.messages.list(thread.id, { run_id: run.id });
		const [answer] = messages.data;
		expect(answer.content[0].type === 'text' && answer.content[0].text.value).toMatch(
			/^OpenAI-style answer to: Wie lang ist die Probezeit\?/,
		);

		const steps = await client.beta.threads.runs.steps.list(run.id, { thread_id: thread.id });
		expect(steps.data[0]).toMatchObject({
			type: 'message_creation',
			status: 'completed',
			expired_at: null,
		});
		const step = await client.beta.threads.runs.steps.retrieve(steps.data[0].id, {
			thread_id: thread.id,
			run_id: run.id,
		});
		expect(step.step_details).toEqual({
			type: 'message_creation',
			message_creation: { message_id: answer.id },
		});
		expect((await client.beta.threads.runs.list(thread.id)).data.map((r) => r.id)).toEqual([
			run.id,
		]);
		expect((await client.beta.threads.runs.retrieve(run.id, { thread_id: thread.id })).status).toBe(
			'completed',
		);
		const updated = await client.beta.threads.runs.update(run.id, {
			thread_id: thread.id,
			metadata: { checked: 'true' },
		});
		expect(updated.metadata).toEqual({ checked: 'true' });
	});

	it('poll follows a run created without waiting; createAndRunPoll reports a failed run', async () => {
		const thread = await threadWith('Hallo');
		const created = await client.beta.threads.runs.create(thread.id, {
			assistant_id: ids().assistant,
		});
		expect(created.status).toBe('queued');
		expect(
			(await client.beta.threads.runs.poll(created.id, { thread_id: thread.id }, poll)).status,
		).toBe('completed');

		const failed = await client.beta.threads.createAndRunPoll(
			{
				assistant_id: ids().assistant,
				thread: { messages: [{ role: 'user', content: 'Bitte [fail]' }] },
			},
			poll,
		);
		expect(failed).toMatchObject({
			status: 'failed',
			last_error: { code: 'server_error', message: 'Simulated failure' },
		});
	});

	it('the stream helper collects text deltas, messages, steps and the final run (an unknown event passes by)', async () => {
		const thread = await threadWith('Streame bitte');
		const deltas: string[] = [];
		const events: string[] = [];
		const stream = client.beta.threads.runs
			.stream(thread.id, { assistant_id: ids().assistant })
			.on('textDelta', (delta) => deltas.push(delta.value ?? ''))
			.on('event', (event) => events.push(event.event));
		const run = await stream.finalRun();
		const [message] = await stream.finalMessages();
		expect(run.status).toBe('completed');
		const text = message.content[0].type === 'text' ? message.content[0].text.value : '';
		expect(deltas.join('')).toBe(text);
		expect(text).toMatch(/^OpenAI-style answer to: Streame bitte\./);
		expect((await stream.finalRunSteps())[0].status).toBe('completed');
		expect(events).toEqual(
			expect.arrayContaining([
				'thread.run.created',
				'thread.message.delta',
				'thread.run.completed',
			]),
		);
		// The sandbox's deliberate noise reaches the generic handler and disturbs nothing else.
		expect(events).toContain('x.unknown.event');
	});

	it('createAndRunStream starts with thread.created; the low-level stream is an async iterable of events', async () => {
		const stream = client.beta.threads.createAndRunStream({
			assistant_id: ids().assistant,
			thread: { messages: [{ role: 'user', content: 'Neu' }] },
		});
		const created: string[] = [];
		stream.on('event', (event) => {
			if (event.event === 'thread.created') created.push(event.data.id);
		});
		const run = await stream.finalRun();
		expect(created).toEqual([run.thread_id]);

		const thread = await threadWith('Roh');
		const raw = await client.beta.threads.runs.create(thread.id, {
			assistant_id: ids().assistant,
			stream: true,
		});
		const names = [];
		for await (const event of raw) names.push(event.event);
		expect(names[0]).toBe('thread.run.created');
		expect(names[names.length - 1]).toBe('thread.run.completed');
	});

	it('tool outputs: requires_action, then submitToolOutputsAndPoll and submitToolOutputsStream finish the run', async () => {
		const thread = await threadWith('What is the weather in Berlin?');
		const waiting = await client.beta.threads.runs.createAndPoll(
			thread.id,
			{ assistant_id: ids().toolAssistant },
			poll,
		);
		expect(waiting.status).toBe('requires_action');
		const [call] = waiting.required_action!.submit_tool_outputs.tool_calls;
		expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Berlin"}' });
		const done = await client.beta.threads.runs.submitToolOutputsAndPoll(
			waiting.id,
			{ thread_id: thread.id, tool_outputs: [{ tool_call_id: call.id, output: '21 °C, sunny' }] },
			poll,
		);
		expect(done.status).toBe('completed');
		const [answer] = (await client.beta.threads.messages.list(thread.id, { run_id: done.id })).data;
		expect(answer.content[0].type === 'text' && answer.content[0].text.value).toBe(
			'The weather tool said: 21 °C, sunny.',
		);

		await client.beta.threads.messages.create(thread.id, {
			role: 'user',
			content: 'And the weather tomorrow?',
		});
		const first = client.beta.threads.runs.stream(thread.id, { assistant_id: ids().toolAssistant });
		const pending = await first.finalRun();
		expect(pending.status).toBe('requires_action');
		const toolCall = pending.required_action!.submit_tool_outputs.tool_calls[0];
		const second = client.beta.threads.runs.submitToolOutputsStream(pending.id, {
			thread_id: thread.id,
			tool_outputs: [{ tool_call_id: toolCall.id, output: 'rain' }],
		});
		let text = '';
		second.on('textDelta', (delta) => (text += delta.value ?? ''));
		expect((await second.finalRun()).status).toBe('completed');
		expect(text).toBe('The weather tool said: rain.');
	});

	it('cancel stops a run: cancelling at once, cancelled when polled', async () => {
		const run = await client.beta.threads.createAndRun({
			assistant_id: ids().assistant,
			thread: { messages: [{ role: 'user', content: '[hang] warte' }] },
		});
		const cancelling = await client.beta.threads.runs.cancel(run.id, { thread_id: run.thread_id });
		expect(cancelling.status).toBe('cancelling');
		expect(
			(await client.beta.threads.runs.poll(run.id, { thread_id: run.thread_id }, poll)).status,
		).toBe('cancelled');
	});
});

describe('errors arrive as the SDK error classes, with the spec rejections in the vendor shape', () => {
	it('404, 401 and the beta header', async () => {
		const missing = await client.beta.threads
			.retrieve('thread_nope')
			.catch((error: unknown) => error);
		expect(missing).toBeInstanceOf(NotFoundError);
		expect(missing).toMatchObject({ status: 404, type: 'invalid_request_error' });
		const wrongKey = new OpenAI({ apiKey: 'nope', baseURL: sandbox.openai.baseUrl, maxRetries: 0 });
		await expect(wrongKey.beta.threads.create()).rejects.toBeInstanceOf(AuthenticationError);
		// The SDK sends OpenAI-Beta: assistants=v2 by itself; without it the API refuses (before any spec check).
		expectRejected = true;
		const noBeta = await client.beta.threads
			.create({}, { headers: { 'OpenAI-Beta': null } })
			.catch((error: unknown) => error);
		expect(noBeta).toBeInstanceOf(BadRequestError);
		expect(noBeta).toMatchObject({ status: 400, code: 'invalid_beta' });
	});

	// Each a body the document forbids: the SDK types prevent most, so they go through casts,
	// as a client that builds bodies by hand would send them.
	const forbidden: Array<[string, () => Promise<unknown>, { param: string; code: string }]> = [
		[
			'additional_instructions on create thread and run',
			() =>
				client.beta.threads.createAndRun({
					assistant_id: ids().assistant,
					additional_instructions: 'x',
				} as never),
			{ param: 'additional_instructions', code: 'unknown_parameter' },
		],
		[
			'additional_messages on create thread and run',
			() =>
				client.beta.threads.createAndRun({
					assistant_id: ids().assistant,
					additional_messages: [],
				} as never),
			{ param: 'additional_messages', code: 'unknown_parameter' },
		],
		[
			'an unknown field on create thread',
			() => client.beta.threads.create({ title: 'no such field' } as never),
			{ param: 'title', code: 'unknown_parameter' },
		],
		[
			'temperature above 2 on create run',
			async () =>
				client.beta.threads.runs.create((await threadWith('x')).id, {
					assistant_id: ids().assistant,
					temperature: 3,
				}),
			{ param: 'temperature', code: 'decimal_above_max_value' },
		],
		[
			'messages on modify thread',
			async () => client.beta.threads.update((await threadWith('x')).id, { messages: [] } as never),
			{ param: 'messages', code: 'unknown_parameter' },
		],
		[
			'the vector_stores helper on modify thread',
			async () =>
				client.beta.threads.update((await threadWith('x')).id, {
					tool_resources: { file_search: { vector_stores: [{ file_ids: ['f'] }] } },
				} as never),
			{ param: 'tool_resources.file_search.vector_stores', code: 'unknown_parameter' },
		],
		[
			'a wrong role',
			() => client.beta.threads.create({ messages: [{ role: 'system', content: 'x' }] } as never),
			{ param: 'messages[0].role', code: 'invalid_value' },
		],
		[
			'a list order that does not exist',
			async () =>
				client.beta.threads.messages.list((await threadWith('x')).id, { order: 'up' } as never),
			{ param: 'order', code: 'invalid_value' },
		],
	];

	it.each(forbidden)(
		'%s: 400 invalid_request_error with param and code',
		async (_name, send, expected) => {
			expectRejected = true;
			const error = await send().catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(BadRequestError);
			expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', ...expected });
			expect((error as BadRequestError).error).toMatchObject({
				type: 'invalid_request_error',
				...expected,
				message: expect.any(String),
			});
			const findings = specFindings(sandbox);
			expect(findings.rejected.length).toBeGreaterThan(0);
			expect(findings.responseErrors).toEqual([]);
		},
	);

	it('the vector_stores helper is fine where the document defines it: on create', async () => {
		const thread = await client.beta.threads.create({
			tool_resources: { file_search: { vector_stores: [{ file_ids: ['f'] }] } },
		});
		expect(thread.tool_resources?.file_search?.vector_store_ids).toHaveLength(1);
	});
});
