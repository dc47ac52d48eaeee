/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The Griptape Cloud Trigger under faults and restarts, in both modes: every finished run
 * ("Run Finished") and every event ("New Event") is emitted exactly once, whatever breaks during
 * a poll (a failed poll changes nothing; the next one catches up) and however often n8n restarts
 * (only the static data it persisted survives). Also the race of issue 12: runs created while a
 * poll is under way, finishing out of order.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import type { PollResult } from '../helpers/n8n-harness';
import { runPoll } from '../helpers/n8n-harness';
import { GRIPTAPE_KEY, griptapeCredentials, locator, sleep } from './fixtures';
import type { FaultKind } from './proxy';
import { FAULT_KINDS, FaultProxy } from './proxy';

const TERMINAL = ['SUCCEEDED', 'FAILED', 'ERROR', 'CANCELLED'];
/** A poll's requests are JSON lists: the stream-only kinds do not apply. */
const POLL_FAULTS = FAULT_KINDS.filter(
	(kind) => !['cutMidStream', 'noEndMarker', 'stall'].includes(kind),
);
const REQUEST_OPTIONS = { timeout: 2, maxRetries: 1 };

interface Poller {
	sandbox: Sandbox;
	/** One poll through a fresh proxy, as a restarted n8n would do it when `restart` is set. */
	poll(
		parameters: IDataObject,
		fault?: { kind: FaultKind; path: RegExp; skip?: number },
		hooks?: Partial<Pick<FaultProxy, 'onAnswered'>>,
	): Promise<PollResult & { fired: boolean }>;
	cancel(runId: string): Promise<void>;
	status(runId: string): string;
}

async function poller(options: IDataObject = {}): Promise<Poller> {
	const sandbox = await startSandbox({
		port: 0,
		griptape: { runStepMs: 5, tokenDelayMs: 1, ...options },
	});
	let staticData: IDataObject | undefined;
	let polls = 0;
	return {
		sandbox,
		async poll(parameters, fault, hooks = {}) {
			const proxy = await FaultProxy.start(sandbox.url, `trigger-${polls}`);
			if (fault) proxy.add({ kind: fault.kind, method: 'GET', path: fault.path, skip: fault.skip });
			Object.assign(proxy, hooks);
			// Every other poll runs in a "restarted" n8n: only the JSON it persisted survives.
			const persisted =
				polls++ % 2 ? (JSON.parse(JSON.stringify(staticData ?? {})) as IDataObject) : staticData;
			try {
				const result = await runPoll({
					type: 'griptapeCloudTrigger',
					parameters: { ...parameters, requestOptions: REQUEST_OPTIONS },
					credentials: {
						griptapeCloudApi: griptapeCredentials(sandbox, proxy) as ICredentialDataDecryptedObject,
					},
					staticData: persisted,
				});
				// n8n keeps the static data of a poll that failed as it was before the poll.
				if (!result.error) staticData = result.staticData;
				else
					expect(nodeState(result.staticData)).toEqual(
						nodeState(JSON.parse(JSON.stringify(persisted ?? {})) as IDataObject),
					);
				return { ...result, fired: proxy.fired > 0 };
			} finally {
				await proxy.close();
			}
		},
		async cancel(runId) {
			await fetch(`${sandbox.griptape.baseUrl}/assistant-runs/${runId}/cancel`, {
				method: 'POST',
				headers: { Authorization: `Bearer ${GRIPTAPE_KEY}` },
			});
		},
		status(runId) {
			return String(sandbox.griptape.state.runs.get(runId)?.status);
		},
	};
}

const create = (p: Poller, input: string, assistant = 0) =>
	String(
		(
			p.sandbox.griptape.createRun(p.sandbox.griptape.ids.assistants[assistant], {
				input,
			}) as unknown as IDataObject
		).assistant_run_id,
	);

/** The trigger's own static data (n8n creates the entry empty when the node asks for it). */
const nodeState = (data: IDataObject | undefined) =>
	(data?.['node:Node under test'] as IDataObject | undefined) ?? {};

const idsOf = (result: PollResult, key: string) =>
	result.items.map((item) => String(item.json[key]));

let scenarios = 0;
afterAll(() => {
	process.stdout.write(
		`\nTrigger under faults: ${scenarios} scenarios (2 modes × ${POLL_FAULTS.length} fault kinds, plus the mid-poll race)\n`,
	);
});

describe('Run Finished', () => {
	const parameters = (p: Poller) => ({
		event: 'runFinished',
		assistantId: locator(p.sandbox.griptape.ids.assistants[0]),
	});

	it('emits a run created during a poll that finishes before the next one, after a later run had finished', async () => {
		scenarios++;
		const p = await poller();
		try {
			expect((await p.poll(parameters(p))).error).toBeUndefined();
			create(p, 'vorher');
			await sleep(150);
			let inFlight: { early?: string; later?: string } = {};
			// Between the poll's first answer and its next request: one run starts (and goes on),
			// a later one starts and is over at once.
			const during = await p.poll(parameters(p), undefined, {
				onAnswered: async (entry) => {
					if (inFlight.early || !/\/assistants\/[^/]+\/runs$/.test(entry.path)) return;
					const early = create(p, '[hang] früh');
					await sleep(5);
					const later = create(p, 'später');
					await p.cancel(later);
					inFlight = { early, later };
				},
			});
			expect(during.error).toBeUndefined();
			const emitted = idsOf(during, 'assistant_run_id');
			// The early run ends only now, before the next poll.
			await p.cancel(inFlight.early!);
			for (let i = 0; i < 3; i++)
				emitted.push(...idsOf(await p.poll(parameters(p)), 'assistant_run_id'));
			const expected = [...p.sandbox.griptape.state.runs.values()].map((run) =>
				String(run.assistant_run_id),
			);
			expect(emitted.sort()).toEqual(expected.sort());
		} finally {
			await p.sandbox.close();
		}
	});

	it.concurrent.each(POLL_FAULTS)(
		'emits every finished run exactly once with %s during polls, across restarts',
		async (kind) => {
			scenarios++;
			const p = await poller();
			try {
				expect((await p.poll(parameters(p))).error).toBeUndefined();
				const runs = [
					create(p, 'eins'),
					create(p, '[hang] lang'),
					create(p, '[fail] kaputt'),
					create(p, 'zwei'),
				];
				const emitted: string[] = [];
				let fired = 0;
				for (let round = 0; round < 6; round++) {
					await sleep(60);
					if (round === 1) runs.push(create(p, 'drei'));
					if (round === 2) await p.cancel(runs[1]);
					// Every request of the run listings is a target; each poll breaks a different one.
					const result = await p.poll(
						parameters(p),
						round < 4
							? {
									kind,
									path: /\/(assistants\/[^/]+\/runs|assistant-runs\/[^/]+)$/,
									skip: round % 2,
								}
							: undefined,
					);
					if (result.fired) fired++;
					emitted.push(...idsOf(result, 'assistant_run_id'));
				}
				expect(runs.every((runId) => TERMINAL.includes(p.status(runId)))).toBe(true);
				expect(fired).toBeGreaterThan(0);
				expect(emitted.sort()).toEqual([...runs].sort());
			} finally {
				await p.sandbox.close();
			}
		},
		60_000,
	);
});

describe('New Event', () => {
	it.concurrent.each(POLL_FAULTS)(
		'emits every event exactly once, in order, with %s during polls, across restarts',
		async (kind) => {
			scenarios++;
			// Small pages: a poll reads several, and a fault can hit any of them.
			const p = await poller({ maxEventPageSize: 3, tokenDelayMs: 3 });
			try {
				const runId = create(p, 'Ein Lauf mit vielen Ereignissen über mehrere Seiten hinweg');
				const parameters = { event: 'runEvent', assistantRunId: locator(runId) };
				const emitted: string[] = [];
				let fired = 0;
				for (let round = 0; round < 8 || !TERMINAL.includes(p.status(runId)); round++) {
					const result = await p.poll(
						parameters,
						round < 5
							? { kind, path: /\/assistant-runs\/[^/]+\/events$/, skip: round % 3 }
							: undefined,
					);
					if (result.fired) fired++;
					emitted.push(...idsOf(result, 'event_id'));
					await sleep(20);
				}
				emitted.push(...idsOf(await p.poll(parameters), 'event_id'));
				const all = p.sandbox.griptape.state.events
					.filter((event) => event.assistant_run_id === runId)
					.map((event) => String(event.event_id));
				expect(fired).toBeGreaterThan(0);
				expect(emitted).toEqual(all);
			} finally {
				await p.sandbox.close();
			}
		},
		60_000,
	);
});
