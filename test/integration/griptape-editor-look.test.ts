/**
 * What the Griptape Cloud nodes show in the editor, through n8n-core: the resource locators'
 * lists (as the editor loads them, through LoadOptionsContext), Simplify on and off, the
 * answer first in a waited run, and IDs given the old way (a plain string) or from a list.
 */
import type { IDataObject } from 'n8n-workflow';

import { GRIPTAPE_KEY, useGriptapeSandbox } from '../helpers/griptape';
import { json, locator } from '../helpers/haufe';
import { runListSearch } from '../helpers/n8n-harness';

const ctx = useGriptapeSandbox();
const assistants = () => ctx.sandbox.griptape.ids.assistants;

const search = async (
	method: string,
	filter?: string,
	paginationToken?: string,
	type = 'griptapeCloud',
) =>
	await runListSearch({
		type,
		parameters: {},
		credentials: {
			griptapeCloudApi: { apiKey: GRIPTAPE_KEY, baseUrl: ctx.sandbox.griptape.baseUrl },
		},
		method,
		filter,
		paginationToken,
	});

const waitedRun = (input: string, extra: IDataObject = {}) => ({
	resource: 'assistantRun',
	operation: 'create',
	assistantId: locator(assistants()[0]),
	input,
	waitForCompletion: 'events',
	options: { pollInterval: 0.05 },
	...extra,
});

/** A list-mode value as the editor stores it after a pick from the list. */
const picked = (value: string, name: string) => ({
	__rl: true,
	mode: 'list',
	value,
	cachedResultName: name,
});

describe('List search', () => {
	it('lists assistants by name, with their description, filtered by the search text', async () => {
		expect((await search('searchAssistants')).results.map((result) => result.name)).toEqual([
			'Support Assistant',
			'Research Assistant',
			'Sales Assistant',
		]);
		expect((await search('searchAssistants', 'sales')).results).toEqual([
			{
				name: 'Sales Assistant',
				value: assistants()[2],
				description: 'Drafts replies to sales enquiries',
			},
		]);
	});

	it('lists threads newest first by name, page by page, and finds them by alias', async () => {
		ctx.sandbox.griptape.configure({ maxPageSize: 2 });
		const ids: string[] = [];
		for (const [name, alias] of [
			['Erstes Gespräch', undefined],
			['Zweites Gespräch', 'ticket-7'],
			['Drittes Gespräch', undefined],
		]) {
			const [thread] = json(
				await ctx.run({
					resource: 'thread',
					operation: 'create',
					name,
					additionalFields: alias ? { alias } : {},
				}),
			);
			ids.push(thread.thread_id as string);
		}
		const first = await search('searchThreads');
		expect(first.results.map((result) => result.name)).toEqual([
			'Drittes Gespräch',
			'Zweites Gespräch',
		]);
		expect(first.results[1]).toMatchObject({
			value: ids[1],
			description: expect.stringMatching(/^Alias ticket-7, created /),
		});
		expect(first.paginationToken).toBe('2');
		const second = await search('searchThreads', undefined, first.paginationToken as string);
		expect(second.results.map((result) => result.value)).toEqual([ids[0]]);
		expect(second.paginationToken).toBeUndefined();
		expect(
			(await search('searchThreads', 'TICKET-7')).results.map((result) => result.value),
		).toEqual([ids[1]]);
	});

	it('lists the recent runs of every assistant, newest first, named by input and status', async () => {
		json(await ctx.run(waitedRun('Erste Frage')));
		json(await ctx.run(waitedRun('Zweite Frage', { assistantId: locator(assistants()[1]) })));
		const { results, paginationToken } = await search('searchAssistantRuns');
		expect(results.map((result) => result.name)).toEqual([
			'Zweite Frage (SUCCEEDED)',
			'Erste Frage (SUCCEEDED)',
		]);
		expect(results[0].description).toMatch(/^Research Assistant, created /);
		expect(results.map((result) => result.value)).toEqual(
			[...ctx.sandbox.griptape.state.runs.values()].reverse().map((run) => run.assistant_run_id),
		);
		expect(paginationToken).toBeUndefined();
		// The assistant's name, the input or the status find a run.
		expect(
			(await search('searchAssistantRuns', 'support')).results.map((result) => result.name),
		).toEqual(['Erste Frage (SUCCEEDED)']);
		expect((await search('searchAssistantRuns', 'zweite')).results).toHaveLength(1);
	});

	it('pages through the assistants when listing runs, and the trigger offers the same list', async () => {
		json(await ctx.run(waitedRun('Lauf des dritten', { assistantId: locator(assistants()[2]) })));
		ctx.sandbox.griptape.configure({ maxPageSize: 2 });
		const first = await search('searchAssistantRuns', undefined, undefined, 'griptapeCloudTrigger');
		expect(first.results).toEqual([]);
		expect(first.paginationToken).toBe('2');
		const second = await search(
			'searchAssistantRuns',
			undefined,
			first.paginationToken as string,
			'griptapeCloudTrigger',
		);
		expect(second.results.map((result) => result.name)).toEqual(['Lauf des dritten (SUCCEEDED)']);
		expect(second.paginationToken).toBeUndefined();
	});
});

describe('Simplify and the answer first', () => {
	it('a waited run, simplified by default: the answer first, at most 10 fields', async () => {
		const [run] = json(await ctx.run(waitedRun('Wie geht es?')));
		expect(Object.keys(run)).toEqual([
			'answer',
			'assistant_run_id',
			'assistant_id',
			'thread_id',
			'status',
			'status_detail',
			'input',
			'created_at',
			'completed_at',
			'event_count',
		]);
		expect(run.answer).toMatch(/^Griptape answer to: Wie geht es\?/);
		expect(run).toMatchObject({
			status: 'SUCCEEDED',
			assistant_id: assistants()[0],
			input: 'Wie geht es?',
		});
	});

	it('a waited run, raw: the answer still first, then every field of the API and the wait figures', async () => {
		const [run] = json(
			await ctx.run(waitedRun('Roh', { simplify: false, waitForCompletion: 'stream' })),
		);
		expect(Object.keys(run)[0]).toBe('answer');
		expect(Object.keys(run).length).toBeGreaterThan(10);
		expect(run).toMatchObject({
			knowledge_base_ids: expect.any(Array),
			text_chunks: expect.any(Array),
			wait: { mode: 'stream' },
		});
	});

	it('with Include Events, the simplified run lists the events instead of counting them', async () => {
		const [run] = json(
			await ctx.run(
				waitedRun('Ereignisse', { options: { pollInterval: 0.05, includeEvents: true } }),
			),
		);
		expect(Object.keys(run)).toHaveLength(10);
		expect(run.event_count).toBeUndefined();
		expect((run.events as IDataObject[]).map((event) => event.event_id)).toEqual(
			ctx.sandbox.griptape.state.events
				.filter((event) => event.assistant_run_id === run.assistant_run_id)
				.map((event) => event.event_id),
		);
	});

	it("Get reads a finished run's answer from its output; Get Many, Cancel and an unwaited Create simplify too", async () => {
		const [done] = json(await ctx.run(waitedRun('Fertig', { simplify: false })));
		const [simple] = json(
			await ctx.run({
				resource: 'assistantRun',
				operation: 'get',
				assistantRunId: done.assistant_run_id,
			}),
		);
		expect(simple).toEqual({
			answer: done.answer,
			assistant_run_id: done.assistant_run_id,
			assistant_id: done.assistant_id,
			thread_id: null,
			status: 'SUCCEEDED',
			status_detail: null,
			input: 'Fertig',
			created_at: done.created_at,
			completed_at: done.completed_at,
		});
		const [raw] = json(
			await ctx.run({
				resource: 'assistantRun',
				operation: 'get',
				assistantRunId: done.assistant_run_id,
				simplify: false,
			}),
		);
		expect(raw.answer).toBeUndefined();
		expect(raw.output).toMatchObject({ type: 'TextArtifact', value: done.answer });

		const [queued] = json(await ctx.run(waitedRun('[hang] Warte', { waitForCompletion: 'no' })));
		expect(queued).toMatchObject({ status: 'QUEUED', input: '[hang] Warte' });
		expect(queued.answer).toBeUndefined();
		const [cancelled] = json(
			await ctx.run({
				resource: 'assistantRun',
				operation: 'cancel',
				assistantRunId: queued.assistant_run_id,
			}),
		);
		expect(Object.keys(cancelled)).toEqual(expect.arrayContaining(['assistant_run_id', 'status']));
		expect(cancelled.status).toBe('CANCELLED');
		expect(Object.keys(cancelled).length).toBeLessThanOrEqual(10);
		const all = json(
			await ctx.run({
				resource: 'assistantRun',
				operation: 'getAll',
				assistantId: locator(assistants()[0]),
				returnAll: true,
			}),
		);
		expect(all).toHaveLength(2);
		all.forEach((run) => expect(Object.keys(run).length).toBeLessThanOrEqual(10));
		expect(all.find((run) => run.status === 'SUCCEEDED')?.answer).toBe(done.answer);
	});
});

describe('IDs from a list, by ID, or as the plain strings of older workflows', () => {
	it('reads a thread and a run given either way', async () => {
		const [thread] = json(
			await ctx.run({ resource: 'thread', operation: 'create', name: 'Alt und neu' }),
		);
		const threadId = thread.thread_id as string;
		for (const value of [threadId, locator(threadId), picked(threadId, 'Alt und neu')]) {
			expect(
				json(await ctx.run({ resource: 'thread', operation: 'get', threadId: value }))[0].thread_id,
			).toBe(threadId);
		}
		const [run] = json(
			await ctx.run(waitedRun('In einem Thread', { threadMode: 'existing', threadId })),
		);
		expect(run.thread_id).toBe(threadId);
		const [again] = json(
			await ctx.run(
				waitedRun('Und weiter', {
					threadMode: 'existing',
					threadId: picked(threadId, 'Alt und neu'),
				}),
			),
		);
		expect(again.thread_id).toBe(threadId);
		for (const value of [
			run.assistant_run_id as string,
			picked(run.assistant_run_id as string, 'In einem Thread (SUCCEEDED)'),
		]) {
			expect(
				json(
					await ctx.run({ resource: 'assistantRun', operation: 'get', assistantRunId: value }),
				)[0].answer,
			).toBe(run.answer);
		}
	});

	it('the trigger follows a run picked by ID as well as one given as a plain string', async () => {
		const [run] = json(await ctx.run(waitedRun('Für den Auslöser')));
		const events = ctx.sandbox.griptape.state.events.filter(
			(event) => event.assistant_run_id === run.assistant_run_id,
		);
		for (const assistantRunId of [run.assistant_run_id, locator(run.assistant_run_id as string)]) {
			const polled = await ctx.poll({ event: 'runEvent', assistantRunId });
			expect(polled.error).toBeUndefined();
			expect(polled.items.map((item) => item.json.event_id)).toEqual(
				events.map((event) => event.event_id),
			);
		}
	});
});
