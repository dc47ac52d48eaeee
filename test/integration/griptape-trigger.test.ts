/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The Griptape Cloud Trigger, polled through n8n-core's PollContext. Static data is carried
 * from poll to poll the way n8n persists it; a "restart" is a new workflow built from the
 * persisted static data alone.
 */
import type { IDataObject } from 'n8n-workflow';

import { useGriptapeSandbox } from '../helpers/griptape';
import { locator } from '../helpers/haufe';

const ctx = useGriptapeSandbox({ runStepMs: 30, tokenDelayMs: 15 });
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
const eventsOf = (runId: string) =>
	ctx.sandbox.griptape.state.events
		.filter((event) => event.assistant_run_id === runId)
		.map((event) => event.event_id);

describe('New event of an assistant run', () => {
	it('emits every event exactly once across pages, polls and a restart', async () => {
		ctx.sandbox.griptape.configure({ maxEventPageSize: 2 });
		const run = ctx.createRun('Ereignisse über mehrere Abfragen');
		const parameters = { event: 'runEvent', assistantRunId: run.assistant_run_id };
		const emitted: unknown[] = [];
		let staticData: IDataObject | undefined;
		let polls = 0;
		let pagesInOnePoll = 0;
		while (
			ctx.sandbox.griptape.state.runs.get(run.assistant_run_id as string)?.status !== 'SUCCEEDED' ||
			polls < 3
		) {
			const before = ctx.sandbox.griptape.stats.eventListRequests;
			// Every other poll runs in a "restarted" n8n: only the persisted static data survives.
			const result = await ctx.poll(
				parameters,
				polls % 2 ? JSON.parse(JSON.stringify(staticData ?? {})) : staticData,
			);
			expect(result.error).toBeUndefined();
			pagesInOnePoll = Math.max(
				pagesInOnePoll,
				ctx.sandbox.griptape.stats.eventListRequests - before,
			);
			emitted.push(...result.items.map((item) => item.json.event_id));
			staticData = result.staticData;
			polls++;
			await sleep(60);
		}
		const final = await ctx.poll(parameters, staticData);
		emitted.push(...final.items.map((item) => item.json.event_id));

		expect(emitted).toEqual(eventsOf(run.assistant_run_id as string));
		expect(new Set(emitted).size).toBe(emitted.length);
		expect(polls).toBeGreaterThanOrEqual(3);
		expect(pagesInOnePoll).toBeGreaterThanOrEqual(3);
	});

	it('loses nothing when a poll fails with 5xx: the cursor stays, the next poll catches up', async () => {
		const run = ctx.createRun('Fehler beim Abfragen');
		const parameters = { event: 'runEvent', assistantRunId: run.assistant_run_id };
		await sleep(400);
		const first = await ctx.poll(parameters);
		const emitted = first.items.map((item) => item.json.event_id);
		expect(emitted.length).toBeGreaterThan(0);

		// More than the retries: the poll fails as a whole.
		ctx.sandbox.faults.add({
			method: 'GET',
			path: /\/events$/,
			kind: 'status',
			status: 502,
			times: 4,
		});
		const failed = await ctx.poll(parameters, first.staticData);
		expect(failed.error?.message).toMatch(/HTTP 502/);
		expect(failed.staticData).toEqual(first.staticData);

		await sleep(600);
		const next = await ctx.poll(parameters, failed.staticData);
		emitted.push(...next.items.map((item) => item.json.event_id));
		expect(ctx.sandbox.griptape.state.runs.get(run.assistant_run_id as string)?.status).toBe(
			'SUCCEEDED',
		);
		expect(emitted).toEqual(eventsOf(run.assistant_run_id as string));
	});

	it('filters by event type, can start after activation, and samples the latest event by hand', async () => {
		const run = ctx.createRun('Gefiltert');
		await sleep(600);
		const all = eventsOf(run.assistant_run_id as string);
		const finishes = await ctx.poll({
			event: 'runEvent',
			assistantRunId: run.assistant_run_id,
			eventTypes: 'FinishStructureRunEvent',
		});
		expect(finishes.items.map((item) => item.json.type)).toEqual(['FinishStructureRunEvent']);
		expect(finishes.staticData).toMatchObject({ 'node:Node under test': { offset: all.length } });

		const fromNow = await ctx.poll({
			event: 'runEvent',
			assistantRunId: run.assistant_run_id,
			startFrom: 'now',
		});
		expect(fromNow.items).toHaveLength(0);
		expect(fromNow.staticData).toMatchObject({ 'node:Node under test': { offset: all.length } });

		const sample = await ctx.poll(
			{ event: 'runEvent', assistantRunId: run.assistant_run_id },
			undefined,
			'manual',
		);
		expect(sample.items.map((item) => item.json.event_id)).toEqual([all[all.length - 1]]);
		expect(sample.staticData).toEqual({});
	});
});

describe('Run finished for an assistant', () => {
	const parameters = (extra: IDataObject = {}) => ({
		event: 'runFinished',
		assistantId: locator(ctx.assistantId),
		...extra,
	});

	it('emits each run once when it ends, whatever the order, across polls and a restart', async () => {
		const old = ctx.createRun('vorher');
		await sleep(800);
		// Activation: runs that ended before are history.
		const baseline = await ctx.poll(parameters());
		expect(baseline.items).toHaveLength(0);

		const slow = ctx.createRun('[hang] langsam');
		const failing = ctx.createRun('[fail] kaputt');
		const quick = ctx.createRun('schnell');
		await sleep(800);
		const first = await ctx.poll(parameters(), baseline.staticData);
		const firstIds = first.items.map((item) => item.json.assistant_run_id);
		expect(new Set(firstIds)).toEqual(new Set([failing.assistant_run_id, quick.assistant_run_id]));
		expect(
			first.items.find((item) => item.json.assistant_run_id === failing.assistant_run_id)?.json
				.status,
		).toBe('FAILED');

		// The slow run, started before the others, ends after them; n8n restarts in between.
		await fetch(
			`${ctx.sandbox.griptape.baseUrl}/assistant-runs/${String(slow.assistant_run_id)}/cancel`,
			{
				method: 'POST',
				headers: { Authorization: 'Bearer sandbox-griptape-key' },
			},
		);
		const late = ctx.createRun('danach');
		await sleep(800);
		const second = await ctx.poll(parameters(), JSON.parse(JSON.stringify(first.staticData)));
		expect(second.items.map((item) => item.json.assistant_run_id).sort()).toEqual(
			[slow.assistant_run_id, late.assistant_run_id].sort(),
		);

		const third = await ctx.poll(parameters(), second.staticData);
		expect(third.items).toHaveLength(0);
		expect([...firstIds, ...second.items.map((item) => item.json.assistant_run_id)]).not.toContain(
			old.assistant_run_id,
		);
	});

	it('emits only the chosen statuses, and samples the latest finished run by hand', async () => {
		const baseline = await ctx.poll(parameters({ statuses: ['FAILED'] }));
		ctx.createRun('gut');
		const failing = ctx.createRun('[fail] schlecht');
		await sleep(800);
		const polled = await ctx.poll(parameters({ statuses: ['FAILED'] }), baseline.staticData);
		expect(polled.items.map((item) => item.json.assistant_run_id)).toEqual([
			failing.assistant_run_id,
		]);

		const sample = await ctx.poll(parameters(), undefined, 'manual');
		expect(sample.items).toHaveLength(1);
		expect(['SUCCEEDED', 'FAILED']).toContain(sample.items[0].json.status);
	});
});
