/**
 * The Haufe Copilot node under n8n's own error settings, run by n8n-core's engine: "On Error:
 * Continue (using error output)" and "Continue (regular output)", and "Retry On Fail", which
 * makes n8n call the node again in the same execution. Every question is answered exactly
 * once, counted at the sandbox.
 */
import { rememberedNodeRuns } from '../../nodes/shared/progress';
import { json, locator, seedThread, useHaufeSandbox } from '../helpers/haufe';

const ctx = useHaufeSandbox();

const UNKNOWN_THREAD = 'a0000000-0000-4000-8000-000000000000';
const questions = [
	'Erste Frage',
	'Zweite Frage',
	'Dritte Frage',
	'Vierte Frage',
	'Fünfte Frage',
	'Sechste Frage',
];
const ask = (extra: Record<string, unknown> = {}) => ({
	resource: 'question',
	operation: 'ask',
	assistantId: locator(ctx.hr),
	question: '={{ $json.question }}',
	...extra,
});

/** What the sandbox counted: threads, user messages and answers (runs) per thread. */
function counted() {
	const { threads, messages } = ctx.sandbox.haufe.state;
	const all = [...messages.values()].flat();
	return {
		threads: threads.size,
		questions: all
			.filter((message) => message.role === 'user')
			.map((message) => message.content)
			.sort(),
		answers: all.filter((message) => message.role === 'assistant').length,
		runsPerThread: [...ctx.sandbox.haufe.stats.runsByThread.values()],
	};
}

describe('On Error', () => {
	const getThreads = async (
		threadId: string,
		onError: 'continueErrorOutput' | 'continueRegularOutput',
	) =>
		await ctx.run(
			{ resource: 'thread', operation: 'get', threadId: locator('={{ $json.id }}') },
			{ input: [{ id: threadId }, { id: UNKNOWN_THREAD }, { id: threadId }], onError },
		);

	it('"Continue (using error output)" sends the failed item, with its pairedItem and message, to the error output', async () => {
		const threadId = await seedThread(ctx.sandbox, ctx.hr);
		const result = await getThreads(threadId, 'continueErrorOutput');
		expect(result.error).toBeUndefined();
		const [success, failed] = result.outputs;
		expect(success.map((item) => [item.json.id, item.pairedItem])).toEqual([
			[threadId, { item: 0 }],
			[threadId, { item: 2 }],
		]);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(failed[0].json).toEqual({
			error: 'Haufe Copilot error thread_not_found (HTTP 404): Thread not found',
			details: { description: expect.any(String), httpCode: '404' },
		});
	});

	it('"Continue (regular output)" keeps the error item in its place on the main output', async () => {
		const threadId = await seedThread(ctx.sandbox, ctx.hr);
		const result = await getThreads(threadId, 'continueRegularOutput');
		expect(result.outputs).toHaveLength(1);
		expect(result.items.map((item) => item.json.id ?? item.json.error)).toEqual([
			threadId,
			'Haufe Copilot error thread_not_found (HTTP 404): Thread not found',
			threadId,
		]);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
	});

	it('an Ask that failed after creating its thread carries the thread and message on the error output', async () => {
		ctx.sandbox.faults.add({ method: 'POST', path: /\/run$/, kind: 'status', status: 500 });
		const result = await ctx.run(ask(), {
			input: [{ question: questions[0] }, { question: questions[1] }],
			onError: 'continueErrorOutput',
		});
		const [success, failed] = result.outputs;
		expect(success).toHaveLength(1);
		expect(success[0]).toMatchObject({ json: { question: questions[1] }, pairedItem: { item: 1 } });
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 0 });
		expect(failed[0].json.error).toMatch(/HTTP 500/);
		expect(failed[0].json.details).toMatchObject({
			question: questions[0],
			thread_id: expect.any(String),
			user_message_id: expect.any(String),
			httpCode: '500',
		});
		expect(
			ctx.sandbox.haufe.state.threads.has(
				String((failed[0].json.details as { thread_id: string }).thread_id),
			),
		).toBe(true);
	});
});

describe('Retry On Fail', () => {
	it.each([1, 5])(
		'answers each question exactly once when a run fails with a 500 (concurrency %i)',
		async (concurrency) => {
			ctx.sandbox.faults.add({ method: 'POST', path: /\/run$/, kind: 'status', status: 500 });
			const input = questions.map((question) => ({ question }));
			const result = await ctx.run(ask({ options: { concurrency } }), {
				input,
				retry: { maxTries: 2 },
			});
			const answers = json(result);
			expect(answers.map((answer) => answer.question)).toEqual(questions);
			expect(
				answers.every((answer) =>
					String(answer.answer).startsWith(`Answer to: ${String(answer.question)}`),
				),
			).toBe(true);
			expect(result.items.map((item) => item.pairedItem)).toEqual(
				questions.map((_, item) => ({ item })),
			);
			// One 500, then every question once: no second thread, message or answer for any of them.
			const runRequests = ctx.sandbox.requests.filter((entry) => /\/run$/.test(entry.path));
			expect(runRequests.map((entry) => entry.status).sort()).toEqual([
				200, 200, 200, 200, 200, 200, 500,
			]);
			expect(counted()).toEqual({
				threads: questions.length,
				questions: [...questions].sort(),
				answers: questions.length,
				runsPerThread: questions.map(() => 1),
			});
			// Nothing is kept once the node has succeeded.
			expect(rememberedNodeRuns()).toBe(0);
		},
	);

	it('reuses an answer the service stored although the stream was cut, instead of asking again', async () => {
		ctx.sandbox.faults.add({
			method: 'POST',
			path: /\/run\/stream$/,
			kind: 'cutStream',
			afterChunks: 2,
		});
		const input = questions.slice(0, 3).map((question) => ({ question }));
		const result = await ctx.run(ask({ options: { streamed: true } }), {
			input,
			retry: { maxTries: 2 },
		});
		const answers = json(result);
		expect(answers.map((answer) => answer.question)).toEqual(questions.slice(0, 3));
		const stored = [...ctx.sandbox.haufe.state.messages.values()]
			.flat()
			.filter((message) => message.role === 'assistant');
		expect(answers.map((answer) => answer.answer).sort()).toEqual(
			stored.map((message) => message.content).sort(),
		);
		expect(counted()).toMatchObject({ threads: 3, answers: 3, runsPerThread: [1, 1, 1] });
	});

	it('with "Continue On Fail" too, a failed first item is retried and the others are not asked again', async () => {
		ctx.sandbox.faults.add({ method: 'POST', path: /\/run$/, kind: 'status', status: 500 });
		const input = questions.slice(0, 3).map((question) => ({ question }));
		const result = await ctx.run(ask(), {
			input,
			retry: { maxTries: 2 },
			onError: 'continueRegularOutput',
		});
		expect(json(result).map((answer) => answer.error ?? answer.question)).toEqual(
			questions.slice(0, 3),
		);
		expect(counted()).toMatchObject({ threads: 3, answers: 3, runsPerThread: [1, 1, 1] });
	});

	it('with the error output, a later failed item is retried too (n8n itself would retry only a failed first item)', async () => {
		ctx.sandbox.faults.add({
			method: 'POST',
			path: /\/run$/,
			kind: 'status',
			status: 500,
			skip: 1,
		});
		const input = questions.slice(0, 3).map((question) => ({ question }));
		const result = await ctx.run(ask(), {
			input,
			retry: { maxTries: 2 },
			onError: 'continueErrorOutput',
		});
		const [success, failed] = result.outputs;
		expect(failed).toHaveLength(0);
		expect(success.map((item) => item.json.question)).toEqual(questions.slice(0, 3));
		expect(counted()).toMatchObject({ threads: 3, answers: 3, runsPerThread: [1, 1, 1] });
	});

	it('after the last try, what still fails leaves by the error output; bad input is not retried', async () => {
		ctx.sandbox.faults.add({
			method: 'POST',
			path: /\/run$/,
			kind: 'status',
			status: 500,
			skip: 1,
			times: 2,
		});
		const input = [
			{ question: questions[0] },
			{ question: questions[1] },
			{ question: 'x'.repeat(30_001) },
		];
		const result = await ctx.run(ask(), {
			input,
			retry: { maxTries: 2 },
			onError: 'continueErrorOutput',
		});
		const [success, failed] = result.outputs;
		expect(success.map((item) => item.json.question)).toEqual([questions[0]]);
		expect(failed.map((item) => [item.pairedItem, item.json.error])).toEqual([
			[{ item: 1 }, 'Haufe Copilot error internal_server_error (HTTP 500): Internal server error'],
			[{ item: 2 }, '"Question" is 30001 characters long; the limit is 30000'],
		]);
		// Two tries of the second question, both refused; its thread and message were made once.
		expect(
			ctx.sandbox.requests
				.filter((entry) => /\/run$/.test(entry.path))
				.map((entry) => entry.status),
		).toEqual([200, 500, 500]);
		expect(counted()).toMatchObject({ threads: 2, answers: 1 });
		expect(rememberedNodeRuns()).toBe(0);
	});

	it('still fails clearly when every try fails, and each try reuses the thread and message', async () => {
		ctx.sandbox.faults.add({
			method: 'POST',
			path: /\/run$/,
			kind: 'status',
			status: 500,
			times: 3,
		});
		const result = await ctx.run(ask(), {
			input: [{ question: questions[0] }],
			retry: { maxTries: 3 },
		});
		expect(result.error?.message).toMatch(/HTTP 500/);
		expect(counted()).toMatchObject({ threads: 1, questions: [questions[0]], answers: 0 });
		expect(ctx.sandbox.requests.filter((entry) => /\/run$/.test(entry.path))).toHaveLength(3);
		// After the last try there is nothing left to retry: nothing is kept.
		expect(rememberedNodeRuns()).toBe(0);
	});

	it('keeps nothing for nodes without Retry On Fail', async () => {
		ctx.sandbox.faults.add({ method: 'POST', path: /\/run$/, kind: 'status', status: 500 });
		expect((await ctx.run(ask(), { input: [{ question: questions[0] }] })).error?.message).toMatch(
			/HTTP 500/,
		);
		expect(rememberedNodeRuns()).toBe(0);
	});
});
