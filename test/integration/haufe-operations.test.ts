/**
 * Every Haufe Copilot operation, run through n8n-core's WorkflowExecute with the real
 * credential authentication, over HTTP against the local sandbox.
 */
import { json, LICENCE, locator, seedThread, USER_ID, useHaufeSandbox } from '../helpers/haufe';

const ctx = useHaufeSandbox({ maxPageSize: 2 });

describe('Assistant', () => {
	it('gets many, with a limit', async () => {
		const all = json(
			await ctx.run({ resource: 'assistant', operation: 'getAll', returnAll: true }),
		);
		expect(all.map((assistant) => assistant.name)).toEqual(['HR Assistant', 'Tax Assistant']);
		const one = json(
			await ctx.run({ resource: 'assistant', operation: 'getAll', returnAll: false, limit: 1 }),
		);
		expect(one).toHaveLength(1);
	});

	it('gets one by ID, and names the error code for an unknown one', async () => {
		const [assistant] = json(
			await ctx.run({ resource: 'assistant', operation: 'get', assistantId: locator(ctx.tax) }),
		);
		expect(assistant).toMatchObject({ id: ctx.tax, name: 'Tax Assistant' });
		const missing = await ctx.run({
			resource: 'assistant',
			operation: 'get',
			assistantId: locator('00000000-0000-4000-8000-000000000000'),
		});
		expect(missing.error?.message).toMatch(/assistant_not_found \(HTTP 404\)/);
	});
});

describe('Thread', () => {
	it('creates, gets and deletes a thread', async () => {
		const [thread] = json(
			await ctx.run({
				resource: 'thread',
				operation: 'create',
				assistantId: locator(ctx.hr),
				title: 'Probezeit',
				userId: USER_ID,
			}),
		);
		expect(thread).toMatchObject({ assistant_id: ctx.hr, title: 'Probezeit', user_id: USER_ID });
		const [fetched] = json(
			await ctx.run({
				resource: 'thread',
				operation: 'get',
				threadId: locator(thread.id as string),
			}),
		);
		expect(fetched.id).toBe(thread.id);
		const [deleted] = json(
			await ctx.run({
				resource: 'thread',
				operation: 'delete',
				threadId: locator(thread.id as string),
			}),
		);
		expect(deleted).toEqual({ deleted: true, thread_id: thread.id });
		const gone = await ctx.run({
			resource: 'thread',
			operation: 'get',
			threadId: locator(thread.id as string),
		});
		expect(gone.error?.message).toMatch(/thread_not_found/);
	});

	it('refuses a user ID that is not a UUID before sending anything', async () => {
		const before = ctx.sandbox.requests.length;
		const result = await ctx.run({
			resource: 'thread',
			operation: 'create',
			assistantId: locator(ctx.hr),
			userId: 'bob',
		});
		expect(result.error?.message).toBe(
			'"User ID" must be a UUID (like 3fa85f64-5717-4562-b3fc-2c963f66afa6), got "bob"',
		);
		expect(ctx.sandbox.requests.length).toBe(before);
	});

	it('lists three pages with Return All, stops early with a Limit, and filters', async () => {
		// maxPageSize 2: five threads span three pages.
		for (let i = 0; i < 5; i++) await seedThread(ctx.sandbox, ctx.hr);
		const before = ctx.sandbox.requests.length;
		const all = json(await ctx.run({ resource: 'thread', operation: 'getAll', returnAll: true }));
		expect(all).toHaveLength(5);
		expect(new Set(all.map((thread) => thread.id)).size).toBe(5);
		const listCalls = ctx.sandbox.requests
			.slice(before)
			.filter((entry) => entry.path.endsWith('/threads'));
		expect(listCalls).toHaveLength(3);

		const three = json(
			await ctx.run({ resource: 'thread', operation: 'getAll', returnAll: false, limit: 3 }),
		);
		expect(three.map((thread) => thread.id)).toEqual(all.slice(0, 3).map((thread) => thread.id));

		await ctx.run({
			resource: 'thread',
			operation: 'delete',
			threadId: locator(all[0].id as string),
		});
		const live = json(await ctx.run({ resource: 'thread', operation: 'getAll', returnAll: true }));
		expect(live).toHaveLength(4);
		const withDeleted = json(
			await ctx.run({
				resource: 'thread',
				operation: 'getAll',
				returnAll: true,
				filters: { includeDeleted: true },
			}),
		);
		expect(withDeleted).toHaveLength(5);

		await ctx.run({
			resource: 'thread',
			operation: 'create',
			assistantId: locator(ctx.hr),
			userId: USER_ID,
		});
		const mine = json(
			await ctx.run({
				resource: 'thread',
				operation: 'getAll',
				returnAll: true,
				filters: { userId: USER_ID },
			}),
		);
		expect(mine.map((thread) => thread.user_id)).toEqual([USER_ID]);
	});
});

describe('Message', () => {
	it('creates user, assistant and tool messages and lists them in both orders', async () => {
		const threadId = await seedThread(ctx.sandbox, ctx.hr);
		const post = async (parameters: object) =>
			await ctx.run({
				resource: 'message',
				operation: 'create',
				threadId: locator(threadId),
				...parameters,
			});
		json(await post({ role: 'user', content: 'Wie lang ist die Probezeit?' }));
		json(await post({ role: 'assistant', content: 'Calling a tool', toolCallId: 'call_1' }));
		const [tool] = json(
			await post({ role: 'tool', content: '{"weeks": 2}', toolCallId: 'call_1' }),
		);
		expect(tool).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });

		const newest = json(
			await ctx.run({
				resource: 'message',
				operation: 'getAll',
				threadId: locator(threadId),
				returnAll: true,
			}),
		);
		expect(newest.map((message) => message.role)).toEqual(['tool', 'assistant', 'user']);
		const oldest = json(
			await ctx.run({
				resource: 'message',
				operation: 'getAll',
				threadId: locator(threadId),
				returnAll: false,
				limit: 2,
				order: 'oldestFirst',
			}),
		);
		expect(oldest.map((message) => message.role)).toEqual(['user', 'assistant']);
	});

	it('allows a system message only first, checked before posting', async () => {
		const threadId = await seedThread(ctx.sandbox, ctx.hr);
		json(
			await ctx.run({
				resource: 'message',
				operation: 'create',
				threadId: locator(threadId),
				role: 'system',
				content: 'Sei knapp.',
			}),
		);
		json(
			await ctx.run({
				resource: 'message',
				operation: 'create',
				threadId: locator(threadId),
				role: 'user',
				content: 'Frage',
			}),
		);
		const late = await ctx.run({
			resource: 'message',
			operation: 'create',
			threadId: locator(threadId),
			role: 'system',
			content: 'Zu spät',
		});
		expect(late.error?.message).toMatch(/A system message must be the first message/);
		const posts = ctx.sandbox.requests.filter(
			(entry) => entry.method === 'POST' && entry.path.endsWith('/messages'),
		);
		expect(posts).toHaveLength(2);
	});

	it('checks the content limit and the tool call ID before sending', async () => {
		const threadId = await seedThread(ctx.sandbox, ctx.hr);
		const before = ctx.sandbox.requests.length;
		const tooLong = await ctx.run({
			resource: 'message',
			operation: 'create',
			threadId: locator(threadId),
			role: 'user',
			content: 'x'.repeat(30_001),
		});
		expect(tooLong.error?.message).toBe('"Content" is 30001 characters long; the limit is 30000');
		const noToolCall = await ctx.run({
			resource: 'message',
			operation: 'create',
			threadId: locator(threadId),
			role: 'tool',
			content: 'result',
			// n8n itself refuses an empty required field; an expression that resolves to nothing
			// gets through to the node, which must catch it.
			toolCallId: '={{ $json.missing ?? "" }}',
		});
		expect(noToolCall.error?.message).toBe('"Tool Call ID" is required');
		expect(ctx.sandbox.requests.length).toBe(before);
		const atLimit = await ctx.run({
			resource: 'message',
			operation: 'create',
			threadId: locator(threadId),
			role: 'user',
			content: 'x'.repeat(30_000),
		});
		expect(atLimit.error).toBeUndefined();
	});

	it('deletes a message', async () => {
		const threadId = await seedThread(ctx.sandbox, ctx.hr, ['eins', 'zwei']);
		const [latest] = json(
			await ctx.run({
				resource: 'message',
				operation: 'getAll',
				threadId: locator(threadId),
				returnAll: false,
				limit: 1,
			}),
		);
		json(
			await ctx.run({
				resource: 'message',
				operation: 'delete',
				threadId: locator(threadId),
				messageId: latest.id,
			}),
		);
		const left = json(
			await ctx.run({
				resource: 'message',
				operation: 'getAll',
				threadId: locator(threadId),
				returnAll: true,
			}),
		);
		expect(left.map((message) => message.content)).toEqual(['eins']);
	});
});

describe('Run', () => {
	it('runs a thread with the credential licence and merges extra JSON into the body', async () => {
		const threadId = await seedThread(ctx.sandbox, ctx.hr, [
			'Wie lang ist die Kündigungsfrist in der Probezeit?',
		]);
		const [answer] = json(
			await ctx.run({
				resource: 'run',
				operation: 'run',
				threadId: locator(threadId),
				licenceId: '',
				additionalBodyJson:
					'{"tools": {"web_search": false}, "meta_data": {"user_data": {"department": "HR"}}}',
				options: { includeRequest: true },
			}),
		);
		expect(answer).toMatchObject({ role: 'assistant', thread_id: threadId });
		expect(answer.content).toMatch(
			/^Answer to: Wie lang ist die Kündigungsfrist in der Probezeit\?/,
		);
		expect((answer.sources as object[]).length).toBe(2);
		expect(answer.meta_data).toMatchObject({ legal_advice: false });
		const sent = ctx.sandbox.haufe.stats.runs[0].body;
		expect(sent).toEqual({
			meta_data: { user_data: { licence: LICENCE, department: 'HR' } },
			tools: { web_search: false },
		});
		expect(answer.request).toEqual({
			method: 'POST',
			url: `${ctx.sandbox.haufe.baseUrl}/threads/${threadId}/run`,
			body: sent,
		});
	});

	it('explains a missing licence with the error code and what to do', async () => {
		const threadId = await seedThread(ctx.sandbox, ctx.hr, ['Frage']);
		const result = await ctx.run(
			{ resource: 'run', operation: 'run', threadId: locator(threadId), licenceId: '' },
			{ credentials: { licenceId: '' } },
		);
		expect(result.error?.message).toMatch(/request_metadata_missing_or_incomplete \(HTTP 422\)/);
		expect(result.error?.description).toMatch(/set Licence ID on the node/);
	});

	it('streams a run into one answer equal to the plain run', async () => {
		const question = 'Wie viele Urlaubstage stehen mir zu?';
		const plainThread = await seedThread(ctx.sandbox, ctx.hr, [question]);
		const streamThread = await seedThread(ctx.sandbox, ctx.hr, [question]);
		const [plain] = json(
			await ctx.run({ resource: 'run', operation: 'run', threadId: locator(plainThread) }),
		);
		const [streamed] = json(
			await ctx.run({ resource: 'run', operation: 'stream', threadId: locator(streamThread) }),
		);
		expect(streamed.content).toBe(plain.content);
		expect(streamed.sources).toEqual(plain.sources);
		expect(streamed.meta_data).toEqual(plain.meta_data);
		expect(streamed.thread_id).toBe(streamThread);
		expect(streamed.id).toBeTruthy();
		expect(streamed.chunks).toBe((plain.content as string).split(' ').length);
		expect(streamed.time_to_first_chunk_ms).toEqual(expect.any(Number));
	});

	it('forwards the chunks when the workflow streams its webhook response', async () => {
		const threadId = await seedThread(ctx.sandbox, ctx.hr, ['Was gilt bei Krankheit?']);
		// The text alone; what follows it by default (sources, attribution): stream-sources.test.ts.
		const parameters = {
			resource: 'run',
			operation: 'stream',
			threadId: locator(threadId),
			options: { streamSources: false },
		};
		const result = await ctx.run(parameters, { streaming: true });
		const [answer] = json(result);
		expect(result.chunks[0].type).toBe('begin');
		expect(result.chunks[result.chunks.length - 1].type).toBe('end');
		const text = result.chunks
			.filter((chunk) => chunk.type === 'item')
			.map((chunk) => chunk.content)
			.join('');
		expect(text).toBe(answer.content);
		expect(result.chunks.filter((chunk) => chunk.type === 'item')).toHaveLength(
			answer.chunks as number,
		);
	});

	it('reports an assistant that cannot stream', async () => {
		const threadId = await seedThread(ctx.sandbox, ctx.tax, ['Steuerfrage']);
		const result = await ctx.run({
			resource: 'run',
			operation: 'stream',
			threadId: locator(threadId),
		});
		expect(result.error?.message).toMatch(/engine_does_not_support_streaming/);
		expect(result.error?.description).toMatch(/use the Run operation/);
	});
});

describe('Chat Completion', () => {
	const messages = {
		values: [
			{ role: 'system', content: 'Kurz.' },
			{ role: 'user', content: 'Was ist Elternzeit?' },
		],
	};

	it('answers without a thread, and into a given thread', async () => {
		const [answer] = json(
			await ctx.run({
				resource: 'chatCompletion',
				operation: 'create',
				assistantId: locator(ctx.hr),
				messages,
			}),
		);
		expect(answer.content).toMatch(/^Answer to: Was ist Elternzeit\?/);
		expect(answer.thread_id).toBeNull();

		const threadId = await seedThread(ctx.sandbox, ctx.hr);
		const [stored] = json(
			await ctx.run({
				resource: 'chatCompletion',
				operation: 'create',
				assistantId: locator(ctx.hr),
				messages,
				threadId,
			}),
		);
		expect(stored.thread_id).toBe(threadId);
		expect(ctx.sandbox.haufe.state.messages.get(threadId)?.map((message) => message.role)).toEqual([
			'system',
			'user',
			'assistant',
		]);
	});

	it('streams a completion', async () => {
		const [answer] = json(
			await ctx.run({
				resource: 'chatCompletion',
				operation: 'stream',
				assistantId: locator(ctx.hr),
				messages,
			}),
		);
		expect(answer.content).toMatch(/^Answer to: Was ist Elternzeit\?/);
		expect(answer.chunks).toBeGreaterThan(5);
	});

	it('refuses a system message that is not first', async () => {
		const result = await ctx.run({
			resource: 'chatCompletion',
			operation: 'create',
			assistantId: locator(ctx.hr),
			messages: {
				values: [
					{ role: 'user', content: 'Hi' },
					{ role: 'system', content: 'late' },
				],
			},
		});
		expect(result.error?.message).toBe('Messages 2: a system message is only allowed first');
	});
});

describe('File', () => {
	const binaryItem = (fileName: string, content: Buffer, mimeType = 'text/plain') => ({
		json: {},
		binary: { data: { data: content.toString('base64'), mimeType, fileName } },
	});

	it('uploads through the signed URL, waits until processed, then gets it', async () => {
		const result = await ctx.run(
			{
				resource: 'file',
				operation: 'upload',
				binaryPropertyName: 'data',
				userId: USER_ID,
				options: { pollInterval: 0.05 },
			},
			{ items: [binaryItem('notes.txt', Buffer.from('Urlaubsanspruch: 30 Tage'))] },
		);
		const [file] = json(result);
		expect(file).toMatchObject({
			file_name: 'notes.txt',
			processing_status: 'PROCESSED',
			size: 24,
		});
		const upload = ctx.sandbox.requests.find((entry) => entry.method === 'PUT');
		expect(upload?.headers['api-key']).toBeUndefined();
		const signed = ctx.sandbox.requests.find((entry) => entry.path.endsWith('/files/signed-url'));
		expect(signed?.headers['user-id']).toBe(USER_ID);

		const [status] = json(
			await ctx.run({ resource: 'file', operation: 'getStatus', fileId: file.file_id }),
		);
		expect(status.processing_status).toBe('PROCESSED');
		const [fetched] = json(
			await ctx.run({ resource: 'file', operation: 'get', fileId: file.file_id }),
		);
		expect(fetched.content).toBe('Urlaubsanspruch: 30 Tage');
		const listed = json(await ctx.run({ resource: 'file', operation: 'getAll', returnAll: true }));
		expect(listed.map((entry) => entry.file_id)).toEqual([file.file_id]);
	});

	it('checks type and size against the documented limits before any request', async () => {
		const wrongType = await ctx.run(
			{ resource: 'file', operation: 'upload', binaryPropertyName: 'data' },
			{ items: [binaryItem('picture.png', Buffer.from('png'), 'image/png')] },
		);
		expect(wrongType.error?.message).toBe(
			'File "picture.png" has type "png"; allowed types are pdf, docx, xlsx, csv, txt',
		);
		const tooBig = await ctx.run(
			{ resource: 'file', operation: 'upload', binaryPropertyName: 'data' },
			{ items: [binaryItem('big.csv', Buffer.alloc(10_485_761, 97), 'text/csv')] },
		);
		expect(tooBig.error?.message).toBe(
			'File "big.csv" is 10485761 bytes; the limit is 10485760 bytes (10 MiB)',
		);
		expect(ctx.sandbox.requests).toHaveLength(0);
	});

	it('fails with the file ID when processing does not finish in time', async () => {
		ctx.sandbox.haufe.configure({ fileProcessingMs: null });
		const result = await ctx.run(
			{
				resource: 'file',
				operation: 'upload',
				binaryPropertyName: 'data',
				options: { pollInterval: 0.1, processingTimeout: 1 },
			},
			{ items: [binaryItem('slow.pdf', Buffer.from('%PDF-1.4'), 'application/pdf')] },
		);
		const fileId = [...ctx.sandbox.haufe.state.files.keys()][0];
		expect(result.error?.message).toBe(
			`File ${fileId} ("slow.pdf") was not processed within 1 s (last status PROCESSING)`,
		);
		expect(result.error?.description).toMatch(/File > Get Status instead of uploading it again/);
	});
});

describe('Question: Ask', () => {
	it('answers each item in a new thread, in input order, with pairedItem', async () => {
		const questions = [
			'Was ist Mutterschutz?',
			'Wie lange dauert Elternzeit?',
			'Gibt es Bildungsurlaub?',
		];
		const result = await ctx.run(
			{
				resource: 'question',
				operation: 'ask',
				assistantId: locator(ctx.hr),
				question: '={{ $json.q }}',
				options: { concurrency: 3 },
			},
			{ input: questions.map((q) => ({ q })) },
		);
		const answers = json(result);
		expect(answers.map((answer) => answer.question)).toEqual(questions);
		answers.forEach((answer, index) => {
			expect(answer.answer).toMatch(
				new RegExp(`^Answer to: ${questions[index].replace('?', '\\?')}`),
			);
			expect(Object.keys(answer)).toEqual(
				expect.arrayContaining(['answer', 'sources', 'meta_data', 'thread_id', 'message_id']),
			);
		});
		expect(result.items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(new Set(answers.map((answer) => answer.thread_id)).size).toBe(3);
	});

	it('asks a follow-up in a given thread, streamed', async () => {
		const threadId = await seedThread(ctx.sandbox, ctx.hr, ['Erste Frage']);
		const [answer] = json(
			await ctx.run(
				{
					resource: 'question',
					operation: 'ask',
					assistantId: locator(ctx.hr),
					question: 'Und die zweite?',
					threadId,
					options: { streamed: true },
				},
				{ streaming: true },
			),
		);
		expect(answer.thread_id).toBe(threadId);
		expect(answer.answer).toMatch(/^Answer to: Und die zweite\?/);
		expect(ctx.sandbox.haufe.state.threads.size).toBe(1);
	});

	it('refuses an empty or too long question before sending', async () => {
		const result = await ctx.run(
			{
				resource: 'question',
				operation: 'ask',
				assistantId: locator(ctx.hr),
				question: '={{ $json.q }}',
			},
			{ input: [{ q: '' }] },
		);
		expect(result.error?.message).toBe('"Question" is required');
		const long = await ctx.run({
			resource: 'question',
			operation: 'ask',
			assistantId: locator(ctx.hr),
			question: 'y'.repeat(30_001),
		});
		expect(long.error?.message).toBe('"Question" is 30001 characters long; the limit is 30000');
		expect(ctx.sandbox.requests).toHaveLength(0);
	});
});
