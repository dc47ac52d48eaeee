/**
 * What an assistant requires of a run's meta_data (its request_required_fields, api-notes
 * section 1) is checked before the first request of an item: a batch without the licence the
 * assistant needs creates no thread and posts no message, and the assistant is read once per
 * execution. Counted at the sandbox.
 */
import {
	askParameters,
	json,
	LICENCE,
	locator,
	seedThread,
	useHaufeSandbox,
} from '../helpers/haufe';

const ctx = useHaufeSandbox();

const questions = ['Erste Frage', 'Zweite Frage', 'Dritte Frage', 'Vierte Frage', 'Fünfte Frage'];
const input = questions.map((question) => ({ question }));
const noLicence = { credentials: { licenceId: '' } };

/** The requests the sandbox saw, by kind. */
function seen() {
	const requests = ctx.sandbox.requests;
	const count = (method: string, pattern: RegExp) =>
		requests.filter((entry) => entry.method === method && pattern.test(entry.path)).length;
	return {
		assistantReads: count('GET', /\/assistants\/[^/]+$/),
		threadsCreated: count('POST', /\/threads$/),
		messagesPosted: count('POST', /\/threads\/[^/]+\/messages$/),
		answers: count('POST', /\/(run|run\/stream|chat\/completions|chat\/completions\/stream)$/),
	};
}

const nothingWritten = { threadsCreated: 0, messagesPosted: 0, answers: 0 };

describe('Ask', () => {
	it('refuses every item of a batch without the licence the assistant requires, before any thread exists', async () => {
		const result = await ctx.run(askParameters(ctx.hr, { concurrency: 2 }), {
			...noLicence,
			input,
			onError: 'continueRegularOutput',
		});
		const items = json(result);
		expect(items).toHaveLength(questions.length);
		for (const item of items) {
			expect(item.error).toBe(
				'The assistant "HR Assistant" requires meta_data.user_data.licence, and this item sets none',
			);
			expect((item.details as { description: string }).description).toMatch(
				/^Set "Licence ID" on the node, or "Default Licence ID" in the Haufe Copilot credential\. .*Nothing was created or asked for this item\.$/,
			);
		}
		expect(result.items.map((item) => item.pairedItem)).toEqual(
			questions.map((_, item) => ({ item })),
		);
		expect(seen()).toEqual({ assistantReads: 1, ...nothingWritten });
		expect(ctx.sandbox.haufe.state.threads.size).toBe(0);
	});

	it('fails the node with the same message without "Continue On Fail", having created nothing', async () => {
		const result = await ctx.run(askParameters(ctx.hr), { ...noLicence, input });
		expect(result.error?.message).toBe(
			'The assistant "HR Assistant" requires meta_data.user_data.licence, and this item sets none',
		);
		expect(result.error?.description).toMatch(
			/"Default Licence ID" in the Haufe Copilot credential/,
		);
		expect(seen()).toEqual({ assistantReads: 1, ...nothingWritten });
	});

	it('posts nothing into an existing thread when the licence is missing', async () => {
		const threadId = await seedThread(ctx.sandbox, ctx.hr, ['Vorher']);
		const before = ctx.sandbox.requests.length;
		const result = await ctx.run(
			{ ...askParameters(ctx.hr), threadId },
			{ ...noLicence, input: [{ question: 'Nachfrage' }] },
		);
		expect(result.error?.message).toMatch(/requires meta_data\.user_data\.licence/);
		expect(ctx.sandbox.requests.slice(before).map((entry) => entry.method)).toEqual(['GET']);
		expect(ctx.sandbox.haufe.state.messages.get(threadId)?.map((m) => m.content)).toEqual([
			'Vorher',
		]);
	});

	it('with the licence answers the batch and reads the assistant once for all items', async () => {
		const answers = json(await ctx.run(askParameters(ctx.hr, { concurrency: 3 }), { input }));
		expect(answers.map((answer) => answer.question)).toEqual(questions);
		expect(seen()).toEqual({
			assistantReads: 1,
			threadsCreated: questions.length,
			messagesPosted: questions.length,
			answers: questions.length,
		});
		expect(ctx.sandbox.haufe.stats.runs[0].body).toEqual({
			meta_data: { user_data: { licence: LICENCE } },
		});
	});

	it('takes the licence from the node field or from Additional Body (JSON) as well', async () => {
		const fromNode = await ctx.run(
			{ ...askParameters(ctx.hr), licenceId: 'LIC-NODE' },
			{ ...noLicence, input: [{ question: 'Eins' }] },
		);
		expect(json(fromNode)).toHaveLength(1);
		const fromJson = await ctx.run(
			askParameters(ctx.hr, {
				additionalBodyJson: '{"meta_data": {"user_data": {"licence": "LIC-JSON"}}}',
			}),
			{ ...noLicence, input: [{ question: 'Zwei' }] },
		);
		expect(json(fromJson)).toHaveLength(1);
		expect(ctx.sandbox.haufe.stats.runs.map((run) => run.body)).toEqual([
			{ meta_data: { user_data: { licence: 'LIC-NODE' } } },
			{ meta_data: { user_data: { licence: 'LIC-JSON' } } },
		]);
	});

	it('asks an assistant that declares no requirement without a licence', async () => {
		const answers = json(await ctx.run(askParameters(ctx.tax), { ...noLicence, input }));
		expect(answers).toHaveLength(questions.length);
		expect(seen()).toMatchObject({ assistantReads: 1, threadsCreated: questions.length });
	});

	it('names a required field the node does not model, and where to send it', async () => {
		const tax = ctx.sandbox.haufe.state.assistants.find((assistant) => assistant.id === ctx.tax)!;
		tax.request_required_fields = { __root__: ['user_data'], user_data: ['department'] };
		const result = await ctx.run(askParameters(ctx.tax), {
			input: [{ question: 'Frage' }],
		});
		expect(result.error?.message).toBe(
			'The assistant "Tax Assistant" requires meta_data.user_data.department, and this item sets none',
		);
		expect(result.error?.description).toMatch(
			/^Send it with "Options > Additional Body \(JSON\)", e\.g\. \{"meta_data":\{"user_data":\{"department":"…"\}\}\}\./,
		);
		expect(seen()).toEqual({ assistantReads: 1, ...nothingWritten });
	});

	it("gives every item the assistant read's error, read once, before any thread", async () => {
		const unknown = 'a0000000-0000-4000-8000-000000000000';
		const result = await ctx.run(askParameters(unknown, { concurrency: 2 }), {
			input,
			onError: 'continueRegularOutput',
		});
		const items = json(result);
		expect(items).toHaveLength(questions.length);
		for (const item of items) expect(item.error).toMatch(/assistant_not_found \(HTTP 404\)/);
		expect(seen()).toEqual({ assistantReads: 1, ...nothingWritten });
	});

	it('reads the assistant again in the next execution: a changed requirement is seen', async () => {
		expect(
			json(await ctx.run(askParameters(ctx.tax), { ...noLicence, input: [input[0]] })),
		).toHaveLength(1);
		const tax = ctx.sandbox.haufe.state.assistants.find((assistant) => assistant.id === ctx.tax)!;
		tax.request_required_fields = { __root__: ['user_data'], user_data: ['licence'] };
		const second = await ctx.run(askParameters(ctx.tax), { ...noLicence, input: [input[0]] });
		expect(second.error?.message).toMatch(/"Tax Assistant" requires meta_data\.user_data\.licence/);
		expect(seen()).toMatchObject({ assistantReads: 2, threadsCreated: 1 });
	});
});

describe('Chat Completion', () => {
	const chat = (assistantId: string) => ({
		resource: 'chatCompletion',
		operation: 'create',
		assistantId: locator(assistantId),
		messages: { values: [{ role: 'user', content: '={{ $json.question }}' }] },
	});

	it('refuses a batch without the licence without one answer request', async () => {
		const result = await ctx.run(chat(ctx.hr), {
			...noLicence,
			input,
			onError: 'continueRegularOutput',
		});
		const items = json(result);
		expect(items.map((item) => item.error)).toEqual(
			questions.map(
				() =>
					'The assistant "HR Assistant" requires meta_data.user_data.licence, and this item sets none',
			),
		);
		expect(seen()).toEqual({ assistantReads: 1, ...nothingWritten });
	});

	it('with the licence answers every item after one read of the assistant', async () => {
		const answers = json(await ctx.run(chat(ctx.hr), { input }));
		expect(answers).toHaveLength(questions.length);
		expect(seen()).toEqual({ assistantReads: 1, ...nothingWritten, answers: questions.length });
	});
});

describe('as a tool', () => {
	it('answers the model with the refusal, after one read and without a thread', async () => {
		const result = await ctx.run(
			{ resource: 'question', operation: 'ask', assistantId: locator(ctx.hr) },
			{
				type: 'haufeCopilotTool',
				...noLicence,
				input: [{ question: 'Wie viele Urlaubstage?' }],
				streaming: true,
			},
		);
		// Returned as the tool's answer, as the node's other refusals of its input are.
		expect(result.error).toBeUndefined();
		expect(result.chunks).toEqual([]);
		const [refusal] = json(result);
		expect(refusal.error).toBe(
			'The assistant "HR Assistant" requires meta_data.user_data.licence, and this item sets none',
		);
		expect((refusal.details as { description: string }).description).toMatch(/"Licence ID"/);
		expect(seen()).toEqual({ assistantReads: 1, ...nothingWritten });
	});
});
