/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * Every Griptape Cloud operation, run through n8n-core's WorkflowExecute with the real
 * credential authentication, over HTTP against the local sandbox.
 */
import type { IDataObject } from 'n8n-workflow';

import { useGriptapeSandbox } from '../helpers/griptape';
import { json, locator } from '../helpers/haufe';

const ctx = useGriptapeSandbox();
const [KB_1, KB_2, TOOL_9, RS_1, R_1] = [
	'0b000000-0001-4000-8000-000000000001',
	'0b000000-0002-4000-8000-000000000002',
	'70010000-0009-4000-9000-000000000009',
	'7e1e0000-0001-4000-a000-000000000001',
	'4e700000-0001-4000-b000-000000000001',
];
const runs = () => ctx.sandbox.griptape.state.runs;
const eventsOf = (runId: string) =>
	ctx.sandbox.griptape.state.events.filter((event) => event.assistant_run_id === runId);

const createRun = (input: string, extra: IDataObject = {}) => ({
	resource: 'assistantRun',
	operation: 'create',
	assistantId: locator(ctx.assistantId),
	input,
	...extra,
});

describe('Assistant', () => {
	it('gets many over several pages, or up to a limit', async () => {
		ctx.sandbox.griptape.configure({ maxPageSize: 1 });
		// Return All asks for pages of 100; the server caps them at 1: three pages.
		const all = json(
			await ctx.run({ resource: 'assistant', operation: 'getAll', returnAll: true }),
		);
		expect(all.map((assistant) => assistant.assistant_id)).toEqual(
			ctx.sandbox.griptape.ids.assistants,
		);
		expect(ctx.sandbox.requests.filter((entry) => entry.path.endsWith('/assistants'))).toHaveLength(
			3,
		);
		ctx.sandbox.griptape.configure({ maxPageSize: 100 });
		expect(
			json(
				await ctx.run({ resource: 'assistant', operation: 'getAll', returnAll: false, limit: 2 }),
			),
		).toHaveLength(2);
	});

	it('reports a wrong API key with the error type and advice', async () => {
		const result = await ctx.run(
			{ resource: 'assistant', operation: 'getAll', returnAll: true },
			{ credentials: { apiKey: 'nope' } },
		);
		expect(result.error?.message).toBe(
			'Griptape Cloud error Unauthorized (HTTP 401): Invalid or missing API key',
		);
		expect(result.error?.description).toMatch(/check the key in the Griptape Cloud credential/);
	});
});

describe('Assistant Run', () => {
	it('creates a run without waiting, with every id list and extra JSON in the body', async () => {
		const [run] = json(
			await ctx.run(
				createRun('Hallo', {
					waitForCompletion: 'no',
					threadMode: 'new',
					options: {
						args: 'a, b',
						stream: true,
						// The API document types these as UUIDs (version 4); the node checks that before sending.
						knowledgeBaseIds: `${KB_1}, ${KB_2}`,
						additionalToolIds: TOOL_9,
						rulesetIds: RS_1,
						additionalBodyJson: `{"additional_retriever_ids": ["${R_1}"]}`,
					},
				}),
			),
		);
		expect(run.status).toBe('QUEUED');
		expect(run.thread_id).toEqual(expect.any(String));
		const stored = runs().get(run.assistant_run_id as string) as unknown as { body: IDataObject };
		expect(stored.body).toEqual({
			input: 'Hallo',
			new_thread: true,
			args: ['a', 'b'],
			stream: true,
			knowledge_base_ids: [KB_1, KB_2],
			additional_tool_ids: [TOOL_9],
			ruleset_ids: [RS_1],
			additional_retriever_ids: [R_1],
		});
	});

	it('refuses ids that are not UUIDs before sending, naming the field', async () => {
		const cases: Array<[IDataObject, string]> = [
			[
				{ toolIds: `${TOOL_9}, tool-9` },
				'"Tool IDs" must hold UUIDs (version 4, like 3fa85f64-5717-4562-b3fc-2c963f66afa6); "tool-9" is not one',
			],
			[{ additionalRulesetIds: 'rs-1' }, '"Additional Ruleset IDs" must hold UUIDs'],
			[
				{ additionalBodyJson: '{"retriever_ids": ["r-1"]}' },
				'"Additional Body (JSON) > retriever_ids" must hold UUIDs',
			],
		];
		for (const [options, message] of cases) {
			const result = await ctx.run(createRun('Hallo', { waitForCompletion: 'no', options }));
			expect(result.error?.message).toContain(message);
		}
		const notAThread = await ctx.run(
			createRun('Hallo', {
				waitForCompletion: 'no',
				threadMode: 'existing',
				threadId: { __rl: true, mode: 'id', value: 'thread-1' },
			}),
		);
		expect(notAThread.error?.message).toContain('"Thread" must hold UUIDs');
		expect(runs().size).toBe(0);
	});

	it('waits for completion by polling events and returns the answer', async () => {
		const [run] = json(
			await ctx.run(
				createRun('Wie geht es?', {
					waitForCompletion: 'events',
					simplify: false,
					options: { pollInterval: 0.05 },
				}),
			),
		);
		expect(run.status).toBe('SUCCEEDED');
		expect(run.answer).toMatch(/^Griptape answer to: Wie geht es\?/);
		expect((run.text_chunks as string[]).join('')).toBe(run.answer);
		expect(run.event_count).toBe(eventsOf(run.assistant_run_id as string).length);
		expect((run.wait as IDataObject).requests).toBeGreaterThanOrEqual(2);
	});

	it('waits for completion by the event stream, forwarding tokens to a streaming webhook', async () => {
		const result = await ctx.run(createRun('Streame', { waitForCompletion: 'stream' }), {
			streaming: true,
		});
		const [run] = json(result);
		expect(run.status).toBe('SUCCEEDED');
		expect(run.answer).toMatch(/^Griptape answer to: Streame\./);
		expect(run.event_count).toBe(eventsOf(run.assistant_run_id as string).length);
		const tokens = result.chunks
			.filter((chunk) => chunk.type === 'item')
			.map((chunk) => chunk.content);
		expect(tokens.join('')).toBe(run.answer);
		expect(ctx.sandbox.griptape.stats.streamRequests).toBe(1);
	});

	it('falls back to polling when the event stream breaks, losing and repeating nothing', async () => {
		ctx.sandbox.faults.add({
			method: 'GET',
			path: /\/events\/stream$/,
			kind: 'cutStream',
			afterChunks: 3,
		});
		const [run] = json(
			await ctx.run(
				createRun('Unterbrochen', {
					waitForCompletion: 'stream',
					simplify: false,
					options: { pollInterval: 0.05, includeEvents: true },
				}),
			),
		);
		expect(run.status).toBe('SUCCEEDED');
		const ids = (run.events as IDataObject[]).map((event) => event.event_id);
		expect(ids).toEqual(eventsOf(run.assistant_run_id as string).map((event) => event.event_id));
		expect((run.text_chunks as string[]).join('')).toBe(run.answer);
	});

	it('reports a failed run with its status_detail', async () => {
		const result = await ctx.run(createRun('[fail] bitte', { options: { pollInterval: 0.05 } }));
		const runId = [...runs().keys()][0];
		expect(result.error?.message).toBe(
			`Griptape Cloud run ${runId} ended with status FAILED: {"error":"Simulated failure","type":"StructureRunError"}`,
		);
	});

	it('times out with the run ID, leaving the run going or cancelling it', async () => {
		const going = await ctx.run(
			createRun('[hang]', { options: { pollInterval: 0.1, waitTimeout: 1 } }),
		);
		const goingId = [...runs().keys()][0];
		expect(going.error?.message).toBe(
			`Griptape Cloud run ${goingId} did not finish within 1 s; it is still RUNNING and keeps running on Griptape Cloud`,
		);
		expect(runs().get(goingId)?.status).toBe('RUNNING');

		const cancelled = await ctx.run(
			createRun('[hang]', {
				waitForCompletion: 'stream',
				options: { waitTimeout: 1, cancelOnTimeout: true },
			}),
		);
		const cancelledId = [...runs().keys()].find((id) => id !== goingId) as string;
		expect(cancelled.error?.message).toMatch(
			new RegExp(`^Griptape Cloud run ${cancelledId} did not finish within 1 s; it was cancelled$`),
		);
		expect(runs().get(cancelledId)?.status).toBe('CANCELLED');
	});

	it('stops waiting when the execution is cancelled', async () => {
		const started = Date.now();
		const result = await ctx.run(
			createRun('[hang]', { options: { pollInterval: 0.1, waitTimeout: 60 } }),
			{
				onStart: (cancel) => setTimeout(cancel, 500),
			},
		);
		expect(Date.now() - started).toBeLessThan(5000);
		expect(result.items).toHaveLength(0);
	});

	it('gets a run, lists runs by status, and cancels a run', async () => {
		const hanging = ctx.createRun('[hang]');
		const [done] = json(await ctx.run(createRun('fertig', { options: { pollInterval: 0.05 } })));
		const [fetched] = json(
			await ctx.run({
				resource: 'assistantRun',
				operation: 'get',
				assistantRunId: done.assistant_run_id,
			}),
		);
		expect(fetched.status).toBe('SUCCEEDED');

		const succeeded = json(
			await ctx.run({
				resource: 'assistantRun',
				operation: 'getAll',
				assistantId: locator(ctx.assistantId),
				returnAll: true,
				statuses: ['SUCCEEDED'],
			}),
		);
		expect(succeeded.map((run) => run.assistant_run_id)).toEqual([done.assistant_run_id]);

		const [cancelled] = json(
			await ctx.run({
				resource: 'assistantRun',
				operation: 'cancel',
				assistantRunId: hanging.assistant_run_id,
			}),
		);
		expect(cancelled.status).toBe('CANCELLED');
		const again = await ctx.run({
			resource: 'assistantRun',
			operation: 'cancel',
			assistantRunId: hanging.assistant_run_id,
		});
		expect(again.error?.message).toMatch(
			/^Griptape Cloud error Conflict \(HTTP 409\): Run is already CANCELLED/,
		);
		const all = json(
			await ctx.run({
				resource: 'assistantRun',
				operation: 'getAll',
				assistantId: locator(ctx.assistantId),
				returnAll: true,
			}),
		);
		expect(all).toHaveLength(2);
	});

	it('retries a GET after a 503 but never re-sends a run creation after a 500', async () => {
		ctx.sandbox.faults.add({ method: 'GET', path: /\/assistants$/, kind: 'status', status: 503 });
		expect(
			json(await ctx.run({ resource: 'assistant', operation: 'getAll', returnAll: true })),
		).toHaveLength(3);
		ctx.sandbox.faults.add({ method: 'POST', path: /\/runs$/, kind: 'status', status: 500 });
		const failed = await ctx.run(createRun('einmal', { waitForCompletion: 'no' }));
		expect(failed.error?.message).toMatch(/InternalServerError \(HTTP 500\)/);
		expect(ctx.sandbox.requests.filter((entry) => entry.method === 'POST')).toHaveLength(1);
	});
});

describe('Event', () => {
	it('lists the events of an assistant run page by page, from an offset', async () => {
		const [run] = json(await ctx.run(createRun('Seiten', { options: { pollInterval: 0.05 } })));
		const all = eventsOf(run.assistant_run_id as string);
		ctx.sandbox.griptape.configure({ maxEventPageSize: 3 });
		const listed = json(
			await ctx.run({
				resource: 'event',
				operation: 'getAll',
				source: 'assistantRun',
				runId: run.assistant_run_id,
				returnAll: true,
			}),
		);
		expect(listed.map((event) => event.event_id)).toEqual(all.map((event) => event.event_id));
		const fromFive = json(
			await ctx.run({
				resource: 'event',
				operation: 'getAll',
				source: 'assistantRun',
				runId: run.assistant_run_id,
				returnAll: false,
				limit: 4,
				offset: 5,
			}),
		);
		expect(fromFive.map((event) => event.event_id)).toEqual(
			all.slice(5, 9).map((event) => event.event_id),
		);

		const [one] = json(
			await ctx.run({ resource: 'event', operation: 'get', eventId: all[2].event_id }),
		);
		expect(one.event_id).toBe(all[2].event_id);
	});

	it('creates events for a structure run and lists them', async () => {
		const structureRunId = ctx.sandbox.griptape.ids.structureRunId;
		const before = json(
			await ctx.run({
				resource: 'event',
				operation: 'getAll',
				source: 'structureRun',
				runId: structureRunId,
				returnAll: true,
			}),
		);
		const [created] = json(
			await ctx.run({
				resource: 'event',
				operation: 'create',
				structureRunId,
				eventsJson:
					'[{"type": "UserEvent", "payload": {"note": "from n8n"}}, {"type": "FinishStructureRunEvent", "payload": {}}]',
			}),
		);
		expect(created).toEqual({ accepted: true, structure_run_id: structureRunId, count: 2 });
		const after = json(
			await ctx.run({
				resource: 'event',
				operation: 'getAll',
				source: 'structureRun',
				runId: structureRunId,
				returnAll: true,
			}),
		);
		expect(after.length).toBe(before.length + 2);
		expect(after[after.length - 2]).toMatchObject({
			type: 'UserEvent',
			payload: { note: 'from n8n' },
		});
	});

	it('refuses events without a valid type before sending', async () => {
		const result = await ctx.run({
			resource: 'event',
			operation: 'create',
			structureRunId: ctx.sandbox.griptape.ids.structureRunId,
			eventsJson: `[{"type": "${'x'.repeat(201)}"}]`,
		});
		expect(result.error?.message).toBe(
			'"Events (JSON)" event 1: type must be 1–200 characters, got 201',
		);
		expect(ctx.sandbox.requests).toHaveLength(0);
	});

	it("collects a run's stream until the run ends, or for a set time", async () => {
		const finishing = ctx.createRun('Sammeln');
		const [collected] = json(
			await ctx.run({
				resource: 'event',
				operation: 'collectStream',
				source: 'assistantRun',
				runId: finishing.assistant_run_id,
				duration: 30,
			}),
		);
		expect(collected.ended_by).toBe('server');
		expect(collected.text).toMatch(/^Griptape answer to: Sammeln\./);
		expect(collected.event_count).toBe(eventsOf(finishing.assistant_run_id as string).length);

		const hanging = ctx.createRun('[hang]');
		const started = Date.now();
		const [timed] = json(
			await ctx.run({
				resource: 'event',
				operation: 'collectStream',
				source: 'assistantRun',
				runId: hanging.assistant_run_id,
				duration: 1,
			}),
		);
		expect(timed.ended_by).toBe('duration');
		expect(Date.now() - started).toBeLessThan(4000);
		expect((timed.events as IDataObject[]).map((event) => event.type)).toContain(
			'StartStructureRunEvent',
		);
	});
});

describe('Thread and Message', () => {
	it('creates, finds, updates and deletes a thread, and adds and lists messages', async () => {
		const [thread] = json(
			await ctx.run({
				resource: 'thread',
				operation: 'create',
				name: 'Support 42',
				additionalFields: { alias: 'ticket-42', metadataJson: '{"ticket": 42}' },
			}),
		);
		expect(thread).toMatchObject({
			name: 'Support 42',
			alias: 'ticket-42',
			metadata: { ticket: 42 },
		});
		const threadId = thread.thread_id as string;

		const [byAlias] = json(
			await ctx.run({
				resource: 'thread',
				operation: 'getAll',
				returnAll: true,
				filters: { alias: 'ticket-42' },
			}),
		);
		expect(byAlias.thread_id).toBe(threadId);
		expect(
			json(
				await ctx.run({
					resource: 'thread',
					operation: 'getAll',
					returnAll: true,
					filters: { startsWith: 'Nope' },
				}),
			),
		).toHaveLength(0);

		const [message] = json(
			await ctx.run({
				resource: 'message',
				operation: 'create',
				threadId,
				input: 'Frage',
				output: 'Antwort',
			}),
		);
		expect(JSON.parse(message.input as string)).toEqual({
			type: 'TextArtifact',
			value: 'Frage',
			meta: {},
		});
		const messages = json(
			await ctx.run({ resource: 'message', operation: 'getAll', threadId, returnAll: true }),
		);
		expect(messages.map((entry) => entry.message_id)).toEqual([message.message_id]);

		const [updated] = json(
			await ctx.run({
				resource: 'thread',
				operation: 'update',
				threadId,
				updateFields: { name: 'Support 42 (closed)' },
			}),
		);
		expect(updated.name).toBe('Support 42 (closed)');
		const [fetched] = json(await ctx.run({ resource: 'thread', operation: 'get', threadId }));
		expect(fetched.name).toBe('Support 42 (closed)');

		const [deleted] = json(await ctx.run({ resource: 'thread', operation: 'delete', threadId }));
		expect(deleted).toEqual({ deleted: true, thread_id: threadId });
		expect(
			(await ctx.run({ resource: 'thread', operation: 'get', threadId })).error?.message,
		).toMatch(/NotFound \(HTTP 404\)/);
	});

	it('runs in an existing thread, whose messages then hold the exchange', async () => {
		const [thread] = json(
			await ctx.run({ resource: 'thread', operation: 'create', name: 'Gespräch' }),
		);
		json(
			await ctx.run(
				createRun('Erste Frage', {
					threadMode: 'existing',
					threadId: thread.thread_id,
					options: { pollInterval: 0.05 },
				}),
			),
		);
		const messages = json(
			await ctx.run({
				resource: 'message',
				operation: 'getAll',
				threadId: thread.thread_id,
				returnAll: true,
			}),
		);
		expect(messages).toHaveLength(1);
		expect(JSON.parse(messages[0].output as string).value).toMatch(
			/^Griptape answer to: Erste Frage\./,
		);
	});
});

describe('API Key and User', () => {
	it('lists, creates, gets, renames and deletes API keys of an organisation and a user', async () => {
		const { organizationId, userIds } = ctx.sandbox.griptape.ids;
		const orgKeys = json(
			await ctx.run({
				resource: 'apiKey',
				operation: 'getAll',
				owner: 'organization',
				organizationId,
				returnAll: true,
			}),
		);
		expect(orgKeys.length).toBeGreaterThan(0);
		const [created] = json(
			await ctx.run({
				resource: 'apiKey',
				operation: 'create',
				owner: 'user',
				userId: userIds[0],
				name: 'n8n',
			}),
		);
		expect(created).toMatchObject({ name: 'n8n', value: expect.any(String) });
		const keyId = created.api_key_id as string;
		const userKeys = json(
			await ctx.run({
				resource: 'apiKey',
				operation: 'getAll',
				owner: 'user',
				userId: userIds[0],
				returnAll: true,
			}),
		);
		expect(userKeys.map((key) => key.api_key_id)).toContain(keyId);
		const [renamed] = json(
			await ctx.run({
				resource: 'apiKey',
				operation: 'update',
				apiKeyId: keyId,
				name: 'n8n workflows',
			}),
		);
		expect(renamed.name).toBe('n8n workflows');
		const [fetched] = json(
			await ctx.run({ resource: 'apiKey', operation: 'get', apiKeyId: keyId }),
		);
		expect(fetched.name).toBe('n8n workflows');
		expect(
			json(await ctx.run({ resource: 'apiKey', operation: 'delete', apiKeyId: keyId })),
		).toEqual([{ deleted: true, api_key_id: keyId }]);
		const tooLong = await ctx.run({
			resource: 'apiKey',
			operation: 'update',
			apiKeyId: keyId,
			name: 'k'.repeat(201),
		});
		expect(tooLong.error?.message).toBe('"Name" is 201 characters long; the limit is 200');
	});

	it('lists users', async () => {
		const users = json(await ctx.run({ resource: 'user', operation: 'getAll', returnAll: true }));
		expect(users.map((user) => user.user_id)).toEqual(ctx.sandbox.griptape.ids.userIds);
	});
});
