/**
 * The nodes as tools (issue 21): the tool variant n8n derives ("…Tool"), run through n8n-core's
 * WorkflowExecute against the sandbox, with the parameters as the editor creates them (only the
 * assistant picked). The model's arguments are the input item's json, which `$fromAI()` reads.
 * A tool never writes to the response stream, while the same node on the main path does; an
 * empty question starts nothing; the model receives a compact item.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import { locator } from '../helpers/haufe';
import type { NodeRunResult } from '../helpers/n8n-harness';
import { runNode } from '../helpers/n8n-harness';
import { sandboxCredentials } from '../helpers/sandbox-credentials';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({
		port: 0,
		haufe: { rateLimits: null, streamChunkDelayMs: 2 },
		griptape: { runStepMs: 5, tokenDelayMs: 2 },
		openai: { runStepMs: 10, tokenDelayMs: 2 },
		agentChat: { chunkDelayMs: 2 },
	});
});
afterEach(() => sandbox.reset());
afterAll(async () => await sandbox?.close());

/** Runs the node, or its tool variant, in a streaming execution; `args` is the tool call's arguments. */
async function run(
	type: string,
	parameters: IDataObject,
	args: IDataObject,
	asTool: boolean,
): Promise<NodeRunResult> {
	return await runNode({
		type: asTool ? `${type}Tool` : type,
		parameters,
		credentials: sandboxCredentials(sandbox, type),
		input: [args],
		streaming: true,
	});
}

/** The requests that ask for an answer (a run, a completion, a message to the agent). */
const ANSWER_REQUEST =
	/\/threads\/[^/]+\/run(\/stream)?$|\/chat\/completions(\/stream)?$|\/assistants\/[^/]+\/runs$|\/threads\/[^/]+\/runs$|\/threads\/runs$/;
const answerRequests = () =>
	sandbox.requests.filter(
		(request) => request.method === 'POST' && ANSWER_REQUEST.test(request.path),
	);

interface Case {
	name: string;
	type: string;
	/** The tool as the editor creates it: the operation and the assistant, nothing else. */
	tool: () => IDataObject;
	/** The same node on the main path, with its question. */
	node: (question: string) => IDataObject;
	compactKeys: string[];
}

const named = (value: string, name: string) => ({
	...locator(value),
	mode: 'list',
	cachedResultName: name,
});

const CASES: Case[] = [
	{
		name: 'Haufe Copilot › Ask (Stream Answer)',
		type: 'haufeCopilot',
		tool: () => ({
			resource: 'question',
			operation: 'ask',
			assistantId: named(sandbox.haufe.assistantIds.hr, 'HR Assistant'),
			options: { streamed: true },
		}),
		node: (question) => ({
			resource: 'question',
			operation: 'ask',
			assistantId: locator(sandbox.haufe.assistantIds.hr),
			question,
			options: { streamed: true },
		}),
		compactKeys: ['answer', 'assistant', 'attribution', 'sources', 'thread_id'],
	},
	{
		name: 'Haufe Copilot › Chat Completion › Create Streamed',
		type: 'haufeCopilot',
		tool: () => ({
			resource: 'chatCompletion',
			operation: 'stream',
			assistantId: named(sandbox.haufe.assistantIds.hr, 'HR Assistant'),
		}),
		node: (question) => ({
			resource: 'chatCompletion',
			operation: 'stream',
			assistantId: locator(sandbox.haufe.assistantIds.hr),
			messages: { values: [{ role: 'user', content: question }] },
		}),
		compactKeys: ['answer', 'assistant', 'attribution', 'sources'],
	},
	{
		name: 'Griptape Cloud › Assistant Run › Create (by event stream)',
		type: 'griptapeCloud',
		tool: () => ({
			resource: 'assistantRun',
			operation: 'create',
			assistantId: named(sandbox.griptape.ids.assistants[0], 'Support'),
			waitForCompletion: 'stream',
		}),
		node: (question) => ({
			resource: 'assistantRun',
			operation: 'create',
			assistantId: locator(sandbox.griptape.ids.assistants[0]),
			input: question,
			waitForCompletion: 'stream',
		}),
		compactKeys: ['answer', 'assistant', 'conversation_key', 'thread_id'],
	},
	{
		name: 'Agent Chat › Send Message',
		type: 'agentChat',
		tool: () => ({ resource: 'run', operation: 'send' }),
		node: (message) => ({ resource: 'run', operation: 'send', message }),
		compactKeys: ['answer', 'conversation_key', 'thread_id'],
	},
	{
		name: 'OpenAI-compatible Threads › Run › Create (by streaming)',
		type: 'openAiThreads',
		tool: () => ({
			resource: 'run',
			operation: 'create',
			assistantId: named(sandbox.openai.ids.assistant, 'Sandbox Assistant'),
			waitForCompletion: 'stream',
			waitOptions: { pollInterval: 0.05, waitTimeout: 10 },
		}),
		node: (question) => ({
			resource: 'run',
			operation: 'createThreadAndRun',
			assistantId: locator(sandbox.openai.ids.assistant),
			messages: { values: [{ role: 'user', content: question }] },
			waitForCompletion: 'stream',
			waitOptions: { pollInterval: 0.05, waitTimeout: 10 },
		}),
		compactKeys: ['answer', 'assistant', 'thread_id'],
	},
	{
		name: 'OpenAI-compatible Threads › Run › Create Thread and Run',
		type: 'openAiThreads',
		tool: () => ({
			resource: 'run',
			operation: 'createThreadAndRun',
			assistantId: named(sandbox.openai.ids.assistant, 'Sandbox Assistant'),
			waitForCompletion: 'stream',
			waitOptions: { pollInterval: 0.05, waitTimeout: 10 },
		}),
		node: (question) => ({
			resource: 'run',
			operation: 'createThreadAndRun',
			assistantId: locator(sandbox.openai.ids.assistant),
			messages: { values: [{ role: 'user', content: question }] },
			waitForCompletion: 'stream',
			waitOptions: { pollInterval: 0.05, waitTimeout: 10 },
		}),
		compactKeys: ['answer', 'assistant', 'thread_id'],
	},
];

describe.each(CASES)('$name', ({ type, tool, node, compactKeys }) => {
	const QUESTION = 'Wie lang ist die Probezeit?';

	it('as a tool: answers the question from the model with one answer request, compactly, and sends no chunk', async () => {
		const result = await run(type, tool(), { question: QUESTION }, true);
		expect(result.error).toBeUndefined();
		expect(result.chunks).toEqual([]);
		expect(answerRequests()).toHaveLength(1);
		expect(result.items).toHaveLength(1);
		const item = result.items[0].json;
		expect(Object.keys(item).sort()).toEqual([...compactKeys].sort());
		expect(typeof item.answer).toBe('string');
		expect(String(item.answer).length).toBeGreaterThan(0);
		if ('sources' in item) {
			// Haufe: each source as title and section, nothing of the API's metadata.
			const sources = item.sources as IDataObject[];
			expect(sources.length).toBeGreaterThan(0);
			for (const source of sources) {
				expect(Object.keys(source).every((key) => ['title', 'section', 'url'].includes(key))).toBe(
					true,
				);
				expect(String(source.title).length).toBeGreaterThan(0);
			}
		}
	});

	it('on the main path, in the same streaming execution, the node still streams its answer', async () => {
		const result = await run(type, node(QUESTION), {}, false);
		expect(result.error).toBeUndefined();
		expect(result.chunks[0]?.type).toBe('begin');
		expect(result.chunks.at(-1)?.type).toBe('end');
		expect(result.chunks.filter((chunk) => chunk.type === 'item').length).toBeGreaterThan(0);
	});

	it('as a tool: an empty or missing question is refused before any request, as the answer to the model', async () => {
		for (const args of [{ question: '' }, { question: '   ' }, {}]) {
			const result = await run(type, tool(), args, true);
			// Returned, not thrown: a thrown error would also put an error line of the tool into the chat.
			expect(result.error).toBeUndefined();
			expect(result.chunks).toEqual([]);
			const [refusal] = result.items.map((item) => item.json);
			expect(refusal.error).toMatch(
				/^"(Question|Input|Message)" is empty: the tool was called without a question$/,
			);
			expect((refusal.details as IDataObject).description).toContain('"question" argument');
		}
		expect(sandbox.requests).toHaveLength(0);
	});

	it('as a tool with Compact Tool Output off: the whole item, still no chunk', async () => {
		const result = await run(
			type,
			{ ...tool(), toolCompactOutput: false },
			{ question: QUESTION },
			true,
		);
		expect(result.error).toBeUndefined();
		expect(result.chunks).toEqual([]);
		expect(Object.keys(result.items[0].json).length).toBeGreaterThan(compactKeys.length);
	});
});

describe('a tool continues a conversation by what its answer names', () => {
	const follow = async (
		type: string,
		parameters: IDataObject,
		continueBy: 'thread_id' | 'conversation_key',
	) => {
		const first = await run(type, parameters, { question: 'Erste Frage' }, true);
		expect(first.error).toBeUndefined();
		const answer = first.items[0].json;
		const second = await run(
			type,
			parameters,
			{ question: 'Zweite Frage', [continueBy]: answer[continueBy] },
			true,
		);
		expect(second.error).toBeUndefined();
		expect(second.items[0].json.thread_id).toBe(answer.thread_id);
		expect(second.items[0].json[continueBy]).toBe(answer[continueBy]);
		const third = await run(type, parameters, { question: 'Neue Frage' }, true);
		expect(third.items[0].json.thread_id).not.toBe(answer.thread_id);
	};

	it('Haufe Copilot Ask: thread_id', async () => {
		await follow('haufeCopilot', CASES[0].tool(), 'thread_id');
	});

	it('Griptape Cloud: conversation_key (a new one when the model names none)', async () => {
		await follow('griptapeCloud', CASES[2].tool(), 'conversation_key');
		const threads = [...sandbox.griptape.state.threads.values()];
		expect(threads).toHaveLength(2);
	});

	it('Agent Chat: conversation_key', async () => {
		await follow('agentChat', CASES[3].tool(), 'conversation_key');
	});

	it('OpenAI-compatible Threads Run › Create: thread_id', async () => {
		await follow('openAiThreads', CASES[4].tool(), 'thread_id');
	});
});

describe('what changes for a node that is not a tool: an empty input is refused', () => {
	it('Griptape Cloud: Input empty starts no run', async () => {
		const result = await run('griptapeCloud', { ...CASES[2].node(''), input: '' }, {}, false);
		expect(result.error?.message).toBe('"Input" is empty');
		expect(sandbox.requests).toHaveLength(0);
	});

	it('OpenAI-compatible Threads: Create Thread and Run without messages starts no run', async () => {
		const result = await run('openAiThreads', { ...CASES[5].node(''), messages: {} }, {}, false);
		expect(result.error?.message).toBe(
			'"Messages" is empty: a new thread needs at least one message to answer',
		);
		expect(sandbox.requests).toHaveLength(0);
	});
});
