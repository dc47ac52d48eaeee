/**
 * The OpenAI-compatible Threads node through n8n-core's WorkflowExecute, against the sandbox's
 * Assistants v2 server: every operation, the documented limits at their edge and one past it,
 * a tool-call round trip, a failed run, and SSE with unknown events mixed in.
 */
import type { IDataObject } from 'n8n-workflow';

import { json, locator } from '../helpers/haufe';
import { useNodeSandbox } from '../helpers/node-context';

const ctx = useNodeSandbox(
	'openAiThreads',
	'openAiThreadsApi',
	(sandbox) => ({
		baseUrl: sandbox.openai.baseUrl,
		apiKey: 'sandbox-openai-key',
		organization: 'org-n8n',
		project: '',
	}),
	{ openai: { runStepMs: 10, tokenDelayMs: 2 } },
);
const ids = () => ctx.sandbox.openai.ids;
const wait = (mode: string) => ({
	waitForCompletion: mode,
	waitOptions: { pollInterval: 0.05, waitTimeout: 10 },
});
const userMessage = (content: string, extra: IDataObject = {}) => ({
	values: [{ role: 'user', content, ...extra }],
});
const newThread = async (content = 'Hallo') =>
	json(
		await ctx.run({ resource: 'thread', operation: 'create', messages: userMessage(content) }),
	)[0].id as string;

describe('Thread', () => {
	it('creates a thread with messages, attachments, metadata and tool resources, gets, updates and deletes it', async () => {
		const [thread] = json(
			await ctx.run({
				resource: 'thread',
				operation: 'create',
				messages: userMessage('Lies das', {
					fileIds: 'file-1, file-2',
					tools: ['code_interpreter'],
					metadataJson: '{"source": "n8n"}',
				}),
				metadataJson: '{"customer": "42"}',
				toolResources: {
					codeInterpreterFileIds: 'file-1',
					newVectorStoreFileIds: 'file-2, file-3',
				},
			}),
		);
		expect(thread).toMatchObject({ object: 'thread', metadata: { customer: '42' } });
		const threadId = thread.id as string;
		const [message] = ctx.sandbox.openai.state.messages.get(threadId) ?? [];
		expect(message).toMatchObject({
			attachments: [
				{ file_id: 'file-1', tools: [{ type: 'code_interpreter' }] },
				{ file_id: 'file-2', tools: [{ type: 'code_interpreter' }] },
			],
			metadata: { source: 'n8n' },
		});
		const sent = ctx.sandbox.requests.find((entry) => entry.path.endsWith('/threads'));
		expect(sent?.headers['openai-beta']).toBe('assistants=v2');
		expect(sent?.headers['openai-organization']).toBe('org-n8n');
		expect(sent?.headers['openai-project']).toBeUndefined();

		const [fetched] = json(await ctx.run({ resource: 'thread', operation: 'get', threadId }));
		expect(fetched.id).toBe(threadId);
		const [updated] = json(
			await ctx.run({
				resource: 'thread',
				operation: 'update',
				threadId,
				metadataJson: '{"customer": "43"}',
			}),
		);
		expect(updated.metadata).toEqual({ customer: '43' });
		const [deleted] = json(await ctx.run({ resource: 'thread', operation: 'delete', threadId }));
		expect(deleted).toEqual({ id: threadId, object: 'thread.deleted', deleted: true });
	});

	describe('limits, each at its edge and one past it, checked before sending', () => {
		const pairs = (count: number) =>
			JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v'])));
		const list = (count: number) => Array.from({ length: count }, (_, i) => `file-${i}`).join(',');
		const cases: Array<[string, IDataObject, IDataObject, string]> = [
			[
				'metadata pairs',
				{ metadataJson: pairs(16) },
				{ metadataJson: pairs(17) },
				'"Metadata (JSON)" has 17 pairs; the limit is 16',
			],
			[
				'metadata key length',
				{ metadataJson: JSON.stringify({ ['k'.repeat(64)]: 'v' }) },
				{ metadataJson: JSON.stringify({ ['k'.repeat(65)]: 'v' }) },
				'is 65 characters; the limit is 64',
			],
			[
				'metadata value length',
				{ metadataJson: JSON.stringify({ k: 'v'.repeat(512) }) },
				{ metadataJson: JSON.stringify({ k: 'v'.repeat(513) }) },
				'"Metadata (JSON)" value of "k" is 513 characters; the limit is 512',
			],
			[
				'code interpreter files',
				{ toolResources: { codeInterpreterFileIds: list(20) } },
				{ toolResources: { codeInterpreterFileIds: list(21) } },
				'"Code Interpreter File IDs" has 21 entries; the limit is 20',
			],
			[
				'vector store ids',
				{ toolResources: { vectorStoreIds: 'vs_1' } },
				{ toolResources: { vectorStoreIds: 'vs_1, vs_2' } },
				'"Vector Store IDs" has 2 entries; the limit is 1',
			],
			[
				'files of a new vector store',
				{ toolResources: { newVectorStoreFileIds: list(10_000) } },
				{ toolResources: { newVectorStoreFileIds: list(10_001) } },
				'"New Vector Store File IDs" has 10001 entries; the limit is 10000',
			],
		];
		it.each(cases)('%s', async (_name, atEdge, pastEdge, message) => {
			expect(
				(await ctx.run({ resource: 'thread', operation: 'create', ...atEdge })).error,
			).toBeUndefined();
			const before = ctx.sandbox.requests.length;
			const past = await ctx.run({ resource: 'thread', operation: 'create', ...pastEdge });
			expect(past.error?.message).toContain(message);
			expect(ctx.sandbox.requests.length).toBe(before);
		});

		it('one vector store in all: an attached one and a new one are two', async () => {
			const result = await ctx.run({
				resource: 'thread',
				operation: 'create',
				toolResources: { vectorStoreIds: 'vs_1', newVectorStoreFileIds: 'file-1' },
			});
			expect(result.error?.message).toBe(
				'"Tool Resources" name 2 vector stores (attached and new); a thread can have at most 1',
			);
			expect(ctx.sandbox.requests).toHaveLength(0);
		});
	});
});

describe('Message', () => {
	it('creates, gets and lists messages with order, after/before and Return All over pages', async () => {
		const threadId = await newThread('eins');
		for (const content of ['zwei', 'drei', 'vier']) {
			json(
				await ctx.run({
					resource: 'message',
					operation: 'create',
					threadId,
					role: 'user',
					content,
					fileIds: 'file-9',
				}),
			);
		}
		ctx.sandbox.openai.configure({ maxPageSize: 2 });
		const newest = json(
			await ctx.run({
				resource: 'message',
				operation: 'getAll',
				threadId,
				returnAll: true,
				simplify: false,
			}),
		);
		expect(
			newest.map((message) => ((message.content as IDataObject[])[0].text as IDataObject).value),
		).toEqual(['vier', 'drei', 'zwei', 'eins']);
		const oldest = json(
			await ctx.run({
				resource: 'message',
				operation: 'getAll',
				threadId,
				returnAll: false,
				limit: 3,
				options: { order: 'asc' },
			}),
		);
		expect(oldest.map((message) => message.id)).toEqual(
			newest
				.slice(1)
				.reverse()
				.map((message) => message.id),
		);
		const afterFirst = json(
			await ctx.run({
				resource: 'message',
				operation: 'getAll',
				threadId,
				returnAll: true,
				options: { order: 'asc', after: oldest[0].id },
			}),
		);
		expect(afterFirst).toHaveLength(3);
		const beforeLast = json(
			await ctx.run({
				resource: 'message',
				operation: 'getAll',
				threadId,
				returnAll: true,
				options: { order: 'asc', before: newest[0].id },
			}),
		);
		expect(beforeLast).toHaveLength(3);
		ctx.sandbox.openai.configure({ maxPageSize: 100 });

		const [one] = json(
			await ctx.run({ resource: 'message', operation: 'get', threadId, messageId: newest[0].id }),
		);
		expect(one.attachments).toEqual([{ file_id: 'file-9', tools: [{ type: 'file_search' }] }]);
	});
});

describe('Run', () => {
	it('runs and waits by polling, then finds the run and its messages', async () => {
		const threadId = await newThread('Wie spät ist es?');
		const [run] = json(
			await ctx.run({
				resource: 'run',
				operation: 'create',
				threadId,
				assistantId: locator(ids().assistant),
				...wait('poll'),
			}),
		);
		expect(run.status).toBe('completed');
		expect(run.answer).toMatch(/^OpenAI-style answer to: Wie spät ist es\?/);
		const [fetched] = json(
			await ctx.run({ resource: 'run', operation: 'get', threadId, runId: run.id }),
		);
		expect(fetched.status).toBe('completed');
		const runs = json(
			await ctx.run({ resource: 'run', operation: 'getAll', threadId, returnAll: true }),
		);
		expect(runs.map((entry) => entry.id)).toEqual([run.id]);
		const messages = json(
			await ctx.run({
				resource: 'message',
				operation: 'getAll',
				threadId,
				returnAll: true,
				options: { runId: run.id },
			}),
		);
		expect(messages).toHaveLength(1);
	});

	it('creates a thread and runs it, streamed, ignoring unknown events and forwarding the text', async () => {
		const result = await ctx.run(
			{
				resource: 'run',
				operation: 'createThreadAndRun',
				assistantId: locator(ids().assistant),
				messages: userMessage('Erzähl mir etwas'),
				runOptions: {
					instructions: 'Kurz',
					metadataJson: '{"via": "n8n"}',
					additionalBodyJson: '{"temperature": 0.2}',
				},
				...wait('stream'),
			},
			{ streaming: true },
		);
		const [run] = json(result);
		expect(run.status).toBe('completed');
		const stored = ctx.sandbox.openai.state.messages.get(run.thread_id as string) ?? [];
		const answer = stored
			.filter((message) => message.role === 'assistant')
			.map((message) => message.content[0].text.value)
			.join('');
		expect(run.answer).toBe(answer);
		expect(
			result.chunks
				.filter((chunk) => chunk.type === 'item')
				.map((chunk) => chunk.content)
				.join(''),
		).toBe(answer);
		expect(ctx.sandbox.openai.state.runs.get(run.id as string)).toMatchObject({
			instructions: 'Kurz',
			metadata: { via: 'n8n' },
			temperature: 0.2,
		});
	});

	it('completes a tool-call round trip: requires_action with tool calls, then submit and wait', async () => {
		const threadId = await newThread('Wie ist das weather in Berlin?');
		const [stopped] = json(
			await ctx.run({
				resource: 'run',
				operation: 'create',
				threadId,
				assistantId: locator(ids().toolAssistant),
				...wait('poll'),
			}),
		);
		expect(stopped.status).toBe('requires_action');
		const [call] = stopped.tool_calls as IDataObject[];
		expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });

		const [done] = json(
			await ctx.run({
				resource: 'run',
				operation: 'submitToolOutputs',
				threadId,
				runId: stopped.id,
				toolOutputs: { values: [{ toolCallId: call.id, output: 'sonnig, 21 °C' }] },
				...wait('stream'),
			}),
		);
		expect(done.status).toBe('completed');
		expect(done.answer).toBe('The weather tool said: sonnig, 21 °C.');
		expect(ctx.sandbox.openai.stats.toolOutputsSubmitted).toBe(1);
	});

	it('reports a failed run with its last_error, polled or streamed', async () => {
		const polled = await ctx.run({
			resource: 'run',
			operation: 'create',
			threadId: await newThread('[fail] bitte'),
			assistantId: locator(ids().assistant),
			...wait('poll'),
		});
		expect(polled.error?.message).toMatch(
			/^Run run_\w+ ended with status failed: server_error: Simulated failure$/,
		);
		const streamed = await ctx.run({
			resource: 'run',
			operation: 'create',
			threadId: await newThread('[fail] bitte'),
			assistantId: locator(ids().assistant),
			...wait('stream'),
		});
		expect(streamed.error?.message).toMatch(
			/ended with status failed: server_error: Simulated failure/,
		);
	});

	it('times out naming the run, and cancels it', async () => {
		const threadId = await newThread('[hang]');
		const result = await ctx.run({
			resource: 'run',
			operation: 'create',
			threadId,
			assistantId: locator(ids().assistant),
			waitForCompletion: 'poll',
			waitOptions: { pollInterval: 0.1, waitTimeout: 1 },
		});
		const run = ctx.sandbox.openai.runFor(threadId);
		expect(result.error?.message).toBe(
			`Run ${run?.id} did not finish within 1 s; it is still in_progress`,
		);
		const [cancelling] = json(
			await ctx.run({ resource: 'run', operation: 'cancel', threadId, runId: run?.id }),
		);
		expect(['cancelling', 'cancelled']).toContain(cancelling.status);
	});

	it('reports a stream that breaks off, never a partial answer', async () => {
		ctx.sandbox.faults.add({ method: 'POST', path: /\/runs$/, kind: 'cutStream', afterChunks: 6 });
		const result = await ctx.run({
			resource: 'run',
			operation: 'create',
			threadId: await newThread('Lang'),
			assistantId: locator(ids().assistant),
			...wait('stream'),
		});
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).toMatch(/^The run stream ended before the run did/);
	});

	it('creates a run without waiting', async () => {
		const [run] = json(
			await ctx.run({
				resource: 'run',
				operation: 'create',
				threadId: await newThread(),
				assistantId: locator(ids().assistant),
				waitForCompletion: 'no',
			}),
		);
		expect(run.status).toBe('queued');
	});
});

it("reports a wrong key with the API's code", async () => {
	const result = await ctx.run(
		{ resource: 'thread', operation: 'get', threadId: 'thread_x' },
		{ credentials: { apiKey: 'nope' } },
	);
	expect(result.error?.message).toBe(
		'Assistants API error invalid_api_key (HTTP 401): Incorrect API key provided',
	);
});
