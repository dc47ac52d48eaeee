/**
 * What the OpenAI-compatible Threads node shows in the editor, through n8n-core: the lists of
 * its resource locators (assistants; the runs of the thread in Thread ID) as the editor loads
 * them, Simplify on and off for runs and messages, the answer (or the tool calls) first, and
 * run IDs given the old way (a plain string) or picked from the list.
 */
import type { IDataObject } from 'n8n-workflow';

import { json, locator } from '../helpers/haufe';
import { runListSearch } from '../helpers/n8n-harness';
import { useNodeSandbox } from '../helpers/node-context';

const ctx = useNodeSandbox(
	'openAiThreads',
	'openAiThreadsApi',
	(sandbox) => ({ baseUrl: sandbox.openai.baseUrl, apiKey: 'sandbox-openai-key' }),
	{ openai: { runStepMs: 10, tokenDelayMs: 2 } },
);
afterEach(() => ctx.sandbox.openai.configure({ maxPageSize: 100 }));
const ids = () => ctx.sandbox.openai.ids;
const wait = (mode: string) => ({
	waitForCompletion: mode,
	waitOptions: { pollInterval: 0.05, waitTimeout: 10 },
});
const newThread = async (content: string) =>
	json(
		await ctx.run({
			resource: 'thread',
			operation: 'create',
			messages: { values: [{ role: 'user', content }] },
		}),
	)[0].id as string;
const runOn = async (threadId: string, extra: IDataObject = {}) =>
	json(
		await ctx.run({
			resource: 'run',
			operation: 'create',
			threadId,
			assistantId: locator(ids().assistant),
			...wait('poll'),
			...extra,
		}),
	)[0];

const search = async (
	method: string,
	parameters: IDataObject = {},
	filter?: string,
	paginationToken?: string,
) =>
	await runListSearch({
		type: 'openAiThreads',
		parameters: { resource: 'run', operation: 'get', ...parameters },
		credentials: { openAiThreadsApi: ctx.credentials() as never },
		method,
		filter,
		paginationToken,
	});

describe('List search', () => {
	it('lists assistants by name, page by page, filtered by the search text', async () => {
		ctx.sandbox.openai.configure({ maxPageSize: 1 });
		const first = await search('searchAssistants');
		expect(first.results).toHaveLength(1);
		const second = await search('searchAssistants', {}, undefined, first.paginationToken as string);
		expect([...first.results, ...second.results].map((result) => result.name).sort()).toEqual([
			'Sandbox Assistant',
			'Sandbox Weather Assistant',
		]);
		expect(second.paginationToken).toBeUndefined();
		ctx.sandbox.openai.configure({ maxPageSize: 100 });
		expect((await search('searchAssistants', {}, 'weather')).results).toEqual([
			{ name: 'Sandbox Weather Assistant', value: ids().toolAssistant },
		]);
	});

	it('lists the runs of the thread in Thread ID, newest first, with status, assistant and date', async () => {
		const threadId = await newThread('Erste Frage');
		const first = await runOn(threadId);
		json(
			await ctx.run({
				resource: 'message',
				operation: 'create',
				threadId,
				role: 'user',
				content: 'Zweite Frage',
			}),
		);
		const second = await runOn(threadId);
		const { results } = await search('searchRuns', { threadId });
		expect(results.map((result) => result.value)).toEqual([second.id, first.id]);
		expect(results[0]).toEqual({
			name: `${String(second.id)} (completed)`,
			value: second.id,
			description: expect.stringMatching(
				new RegExp(`^Assistant ${ids().assistant}, created \\d{4}-\\d\\d-\\d\\dT`),
			),
		});
		expect(
			(await search('searchRuns', { threadId }, String(first.id))).results.map(
				(result) => result.value,
			),
		).toEqual([first.id]);
	});

	it('asks for a Thread ID before it can list runs', async () => {
		await expect(search('searchRuns', { threadId: '' })).rejects.toThrow(
			'Enter a Thread ID first: runs are listed per thread',
		);
	});
});

describe('Simplify and the answer first', () => {
	it('a polled run, simplified by default: the answer first, at most 10 fields', async () => {
		const run = await runOn(await newThread('Wie spät ist es?'));
		expect(Object.keys(run)).toEqual([
			'answer',
			'id',
			'thread_id',
			'assistant_id',
			'status',
			'last_error',
			'model',
			'usage',
			'created_at',
		]);
		expect(run.answer).toMatch(/^OpenAI-style answer to: Wie spät ist es\?/);
	});

	it("raw, streamed or created with its thread: the answer still first, then the API's run and the wait figures", async () => {
		const raw = await runOn(await newThread('Roh'), { simplify: false, ...wait('stream') });
		expect(Object.keys(raw)[0]).toBe('answer');
		expect(raw).toMatchObject({
			object: 'thread.run',
			instructions: expect.any(String),
			wait: { mode: 'stream' },
		});
		const [both] = json(
			await ctx.run({
				resource: 'run',
				operation: 'createThreadAndRun',
				assistantId: locator(ids().assistant),
				messages: { values: [{ role: 'user', content: 'Zusammen' }] },
				...wait('stream'),
			}),
		);
		expect(Object.keys(both)[0]).toBe('answer');
		expect(both.answer).toMatch(/^OpenAI-style answer to: Zusammen\./);
	});

	it('a run waiting for tool outputs shows its tool calls first, also when read with Get', async () => {
		const threadId = await newThread('Wie ist das weather in Berlin?');
		const stopped = await runOn(threadId, { assistantId: locator(ids().toolAssistant) });
		expect(Object.keys(stopped)[0]).toBe('tool_calls');
		expect(stopped).toMatchObject({
			status: 'requires_action',
			tool_calls: [{ type: 'function', function: { name: 'get_weather' } }],
		});
		const [fetched] = json(
			await ctx.run({ resource: 'run', operation: 'get', threadId, runId: stopped.id }),
		);
		expect(fetched.tool_calls).toEqual(stopped.tool_calls);
		const [raw] = json(
			await ctx.run({
				resource: 'run',
				operation: 'get',
				threadId,
				runId: stopped.id,
				simplify: false,
			}),
		);
		expect(raw.tool_calls).toBeUndefined();
		expect(raw.required_action).toMatchObject({ type: 'submit_tool_outputs' });
	});

	it('Get Many simplifies runs; messages read as plain text', async () => {
		const threadId = await newThread('Erste');
		await runOn(threadId);
		const runs = json(
			await ctx.run({ resource: 'run', operation: 'getAll', threadId, returnAll: true }),
		);
		expect(Object.keys(runs[0])).toEqual([
			'id',
			'thread_id',
			'assistant_id',
			'status',
			'last_error',
			'model',
			'usage',
			'created_at',
		]);
		const [message] = json(
			await ctx.run({
				resource: 'message',
				operation: 'create',
				threadId: await newThread('Zweite'),
				role: 'user',
				content: 'Mit Anhang',
				fileIds: 'file-1',
			}),
		);
		expect(Object.keys(message)).toEqual([
			'id',
			'role',
			'text',
			'thread_id',
			'run_id',
			'assistant_id',
			'status',
			'created_at',
			'attachments',
			'metadata',
		]);
		expect(message).toMatchObject({
			role: 'user',
			text: 'Mit Anhang',
			attachments: [{ file_id: 'file-1' }],
		});
		const listed = json(
			await ctx.run({
				resource: 'message',
				operation: 'getAll',
				threadId,
				returnAll: true,
				options: { order: 'asc' },
			}),
		);
		expect(listed.map((entry) => [entry.role, entry.text])).toEqual([
			['user', 'Erste'],
			['assistant', expect.stringMatching(/^OpenAI-style answer to: Erste\./)],
		]);
		const [one] = json(
			await ctx.run({
				resource: 'message',
				operation: 'get',
				threadId,
				messageId: listed[1].id,
				simplify: false,
			}),
		);
		expect(one.content).toEqual([expect.objectContaining({ type: 'text' })]);
	});
});

describe('Run IDs from the list, by ID, or as the plain strings of older workflows', () => {
	it('reads the run given each way, for Get and Cancel', async () => {
		const threadId = await newThread('Lang [hang]');
		const run = await runOn(threadId, { waitForCompletion: 'no' });
		const runId = run.id as string;
		const picked = {
			__rl: true,
			mode: 'list',
			value: runId,
			cachedResultName: `${runId} (queued)`,
		};
		for (const value of [runId, locator(runId), picked]) {
			expect(
				json(await ctx.run({ resource: 'run', operation: 'get', threadId, runId: value }))[0].id,
			).toBe(runId);
		}
		const [cancelling] = json(
			await ctx.run({ resource: 'run', operation: 'cancel', threadId, runId: picked }),
		);
		expect(cancelling).toMatchObject({ id: runId, status: 'cancelling' });
	});
});
