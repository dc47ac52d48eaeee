/**
 * Griptape Cloud, OpenAI-compatible Threads and Agent Chat under n8n's own error settings, run
 * by n8n-core's engine: "On Error: Continue (using error output)" and "Continue (regular
 * output)", and "Retry On Fail" (n8n calls the node again in the same execution). Each
 * question is answered exactly once, counted at the sandbox. (Haufe Copilot: its own file.)
 */
import type { IDataObject } from 'n8n-workflow';

import { useGriptapeSandbox } from '../helpers/griptape';
import { json, locator } from '../helpers/haufe';
import type { NodeRunResult } from '../helpers/n8n-harness';
import { useNodeSandbox } from '../helpers/node-context';

const questions = ['Erste Frage', 'Zweite Frage', 'Dritte Frage'];
const input = questions.map((question) => ({ question }));

/** The error output holds exactly the failed item, with its pairedItem and message; the rest stay on the main output. */
function expectRouted(result: NodeRunResult, failedIndex: number, message: RegExp) {
	expect(result.error).toBeUndefined();
	const [success, failed] = result.outputs;
	expect(success.map((item) => item.pairedItem)).toEqual(
		[0, 1, 2].filter((index) => index !== failedIndex).map((item) => ({ item })),
	);
	expect(failed).toHaveLength(1);
	expect(failed[0].pairedItem).toEqual({ item: failedIndex });
	expect(Object.keys(failed[0].json).every((key) => ['details', 'error'].includes(key))).toBe(true);
	expect(failed[0].json.error).toMatch(message);
}

/** "Continue (regular output)": one output, the error item in its place. */
function expectInPlace(result: NodeRunResult, failedIndex: number, message: RegExp) {
	expect(result.outputs).toHaveLength(1);
	expect(result.items.map((item) => item.pairedItem)).toEqual([0, 1, 2].map((item) => ({ item })));
	expect(result.items[failedIndex].json.error).toMatch(message);
	expect(result.items.filter((item) => item.json.error)).toHaveLength(1);
}

describe('Griptape Cloud', () => {
	const ctx = useGriptapeSandbox();
	const runAndWait = {
		resource: 'assistantRun',
		operation: 'create',
		assistantId: locator('={{ $json.assistant }}'),
		input: '={{ $json.question }}',
		waitForCompletion: 'events',
		options: { pollInterval: 0.05, waitTimeout: 20 },
	};
	const runsPerInput = () => {
		const counts: Record<string, number> = {};
		for (const run of ctx.sandbox.griptape.state.runs.values())
			counts[String(run.input)] = (counts[String(run.input)] ?? 0) + 1;
		return counts;
	};
	const once = Object.fromEntries(questions.map((question) => [question, 1]));

	it.each(['continueErrorOutput', 'continueRegularOutput'] as const)(
		'routes a failed run by "%s"',
		async (onError) => {
			const items = input.map((item, index) => ({
				...item,
				assistant: index === 1 ? 'a0000000-0000-4000-8000-00000000dead' : ctx.assistantId,
			}));
			const result = await ctx.run(runAndWait, { input: items, onError });
			if (onError === 'continueErrorOutput') expectRouted(result, 1, /HTTP 404/);
			else expectInPlace(result, 1, /HTTP 404/);
			expect(
				result.items
					.filter((item) => !item.json.error)
					.every((item) => typeof item.json.answer === 'string'),
			).toBe(true);
		},
	);

	it('Retry On Fail: a run refused with a 500 is started again, every question runs once', async () => {
		// The second run is refused: the first, already answered, must not run again.
		ctx.sandbox.faults.add({
			method: 'POST',
			path: /\/assistants\/[^/]+\/runs$/,
			kind: 'status',
			status: 500,
			skip: 1,
		});
		const result = await ctx.run(runAndWait, {
			input: input.map((item) => ({ ...item, assistant: ctx.assistantId })),
			retry: { maxTries: 2 },
		});
		expect(json(result).map((run) => run.input)).toEqual(questions);
		expect(runsPerInput()).toEqual(once);
	});

	it('Retry On Fail: when the wait fails, the retry follows the run already started instead of starting another', async () => {
		// Four 500s exhaust the three retries of one event request: the wait of the first run fails.
		ctx.sandbox.faults.add({
			method: 'GET',
			path: /\/assistant-runs\/[^/]+\/events$/,
			kind: 'status',
			status: 500,
			times: 4,
		});
		const result = await ctx.run(runAndWait, {
			input: input.map((item) => ({ ...item, assistant: ctx.assistantId })),
			retry: { maxTries: 2 },
		});
		expect(json(result).map((run) => [run.input, run.status])).toEqual(
			questions.map((question) => [question, 'SUCCEEDED']),
		);
		expect(runsPerInput()).toEqual(once);
	});
});

describe('OpenAI-compatible Threads', () => {
	const ctx = useNodeSandbox(
		'openAiThreads',
		'openAiThreadsApi',
		(sandbox) => ({
			baseUrl: sandbox.openai.baseUrl,
			apiKey: 'sandbox-openai-key',
			organization: '',
			project: '',
		}),
		{ openai: { runStepMs: 10, tokenDelayMs: 2 } },
	);
	const createThreadAndRun = (mode: string, extra: IDataObject = {}) => ({
		resource: 'run',
		operation: 'createThreadAndRun',
		assistantId: locator(ctx.sandbox.openai.ids.assistant),
		messages: {
			values: [
				{
					role: 'user',
					content: '={{ $json.question }}',
					metadataJson: '={{ JSON.stringify($json.metadata ?? {}) }}',
				},
			],
		},
		waitForCompletion: mode,
		waitOptions: { pollInterval: 0.05, waitTimeout: 20 },
		...extra,
	});
	/** How many runs each question started (a run's thread holds the question). */
	const runsPerQuestion = () => {
		const counts: Record<string, number> = {};
		const { runs, messages } = ctx.sandbox.openai.state;
		for (const run of runs.values()) {
			const first = messages.get(String(run.thread_id))?.[0] as IDataObject | undefined;
			const text = String(
				((first?.content as IDataObject[]) ?? [])[0]?.text &&
					((first?.content as IDataObject[])[0].text as IDataObject).value,
			);
			counts[text] = (counts[text] ?? 0) + 1;
		}
		return counts;
	};
	const once = Object.fromEntries(questions.map((question) => [question, 1]));

	it.each(['continueErrorOutput', 'continueRegularOutput'] as const)(
		'routes a failed item by "%s", before any request for a bad input',
		async (onError) => {
			// A metadata value of 513 characters is past the documented 512: refused before sending.
			const items = input.map((item, index) =>
				index === 2 ? { ...item, metadata: { note: 'x'.repeat(513) } } : item,
			);
			const result = await ctx.run(createThreadAndRun('poll'), { input: items, onError });
			if (onError === 'continueErrorOutput') expectRouted(result, 2, /512/);
			else expectInPlace(result, 2, /512/);
			expect(ctx.sandbox.openai.stats.runsCreated).toBe(2);
		},
	);

	it('Retry On Fail: a run refused with a 500 is started again, every question runs once', async () => {
		ctx.sandbox.faults.add({
			method: 'POST',
			path: /\/threads\/runs$/,
			kind: 'status',
			status: 500,
			skip: 1,
		});
		const result = await ctx.run(createThreadAndRun('poll'), { input, retry: { maxTries: 2 } });
		expect(json(result).map((run) => run.status)).toEqual(['completed', 'completed', 'completed']);
		expect(runsPerQuestion()).toEqual(once);
	});

	it('Retry On Fail: after a cut stream, the retry waits for the run the stream had started', async () => {
		ctx.sandbox.faults.add({
			method: 'POST',
			path: /\/threads\/runs$/,
			kind: 'cutStream',
			afterChunks: 3,
		});
		const result = await ctx.run(createThreadAndRun('stream'), { input, retry: { maxTries: 2 } });
		const runs = json(result);
		expect(runs.map((run) => run.status)).toEqual(['completed', 'completed', 'completed']);
		expect(runs.every((run) => String(run.answer).length > 0)).toBe(true);
		expect(runsPerQuestion()).toEqual(once);
	});
});

describe('Agent Chat', () => {
	const ctx = useNodeSandbox(
		'agentChat',
		'agentChatApi',
		(sandbox) => ({
			siteUrl: sandbox.agentChat.siteUrl,
			authMethod: 'password',
			email: 'user@example.com',
			password: 'correct-horse-battery',
			sessionToken: '',
		}),
		{ agentChat: { chunkDelayMs: 2 } },
	);
	const send = { resource: 'run', operation: 'send', message: '={{ $json.question }}' };
	/** Per question: how often it was stored as a user message, and how many replies followed. */
	const stored = () => {
		const counts: Record<string, number> = {};
		for (const thread of ctx.sandbox.agentChat.threadsOf().values()) {
			for (const message of thread.conversation_history) {
				if (message.role === 'user')
					counts[String(message.content)] = (counts[String(message.content)] ?? 0) + 1;
			}
			expect(
				thread.conversation_history.filter((message) => message.role === 'assistant'),
			).toHaveLength(1);
		}
		return counts;
	};
	const once = Object.fromEntries(questions.map((question) => [question, 1]));

	it.each(['continueErrorOutput', 'continueRegularOutput'] as const)(
		'routes a failed item by "%s"',
		async (onError) => {
			const items = input.map((item, index) => (index === 0 ? { question: '' } : item));
			const result = await ctx.run(send, { input: items, onError });
			if (onError === 'continueErrorOutput') expectRouted(result, 0, /Message/);
			else expectInPlace(result, 0, /Message/);
			expect(ctx.sandbox.agentChat.stats.runs).toBe(2);
		},
	);

	it('Retry On Fail: a message refused with a 500 is sent again, every question once', async () => {
		ctx.sandbox.faults.add({
			method: 'POST',
			path: /\/threads\/runs$/,
			kind: 'status',
			status: 500,
			skip: 1,
		});
		const result = await ctx.run(send, { input, retry: { maxTries: 2 } });
		expect(json(result).map((reply) => reply.message)).toEqual(questions);
		expect(stored()).toEqual(once);
	});

	it('Retry On Fail: a reply whose stream broke is looked for in the thread, then asked for once more', async () => {
		ctx.sandbox.faults.add({
			method: 'POST',
			path: /\/threads\/runs$/,
			kind: 'cutStream',
			afterChunks: 2,
		});
		const result = await ctx.run(send, { input, retry: { maxTries: 2 } });
		const replies = json(result);
		expect(replies.map((reply) => reply.message)).toEqual(questions);
		expect(replies.every((reply) => String(reply.answer).length > 0)).toBe(true);
		// The app stores a reply only once fully sent: the cut one left the question without a
		// reply, so it is sent again in the same thread; each thread ends with exactly one reply.
		expect(stored()).toEqual({ ...once, [questions[0]]: 2 });
		expect(ctx.sandbox.agentChat.threadsOf().size).toBe(3);
		const looked = ctx.sandbox.requests.filter(
			(entry) => entry.method === 'POST' && /\/api\/threads\/?$/.test(entry.path),
		);
		expect(looked).toHaveLength(1);
		expect(ctx.sandbox.agentChat.stats.runs).toBe(4);
	});
});
