import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { GriptapeClient } from '../GriptapeCloud/transport';
import {
	ACTIVE_STATUSES,
	eventType,
	RUN_CONTRACT,
	TERMINAL_STATUSES,
} from '../GriptapeCloud/transport';
import { checkId } from '../shared/parameters';

/**
 * Both pollers keep their cursor in the node's static data and write it only after a poll
 * fetched everything it emits: a poll that fails (after the request retries) changes nothing,
 * so the next poll starts from the same place. Nothing is lost and nothing is emitted twice,
 * across polls, pages and restarts (n8n persists static data with the workflow).
 */

interface RunEventState extends IDataObject {
	runId: string;
	offset: number;
}

interface RunFinishedState extends IDataObject {
	assistantId: string;
	/** created_at of the newest run seen: older runs were all examined already. */
	watermark: string;
	/** Runs that were not finished at the last poll. */
	pending: string[];
	/** Recently emitted runs, to skip runs at the watermark's edge that were already emitted. */
	seen: string[];
}

const SEEN_KEPT = 500;
/** Events and runs per request: the API's largest page. */
const EVENT_PAGE = 100;
const RUN_PAGE = 100;

function toItems(records: IDataObject[]): INodeExecutionData[][] | null {
	return records.length ? [records.map((json) => ({ json }))] : null;
}

/**
 * The share of n8n's poll budget this poll's requests may use: the rest is left for n8n to
 * take the items and save the cursor before the budget is over.
 */
const REQUEST_SHARE_OF_BUDGET = 0.9;

/**
 * The share after which no further page of events is fetched: below the requests' share, so
 * that the page in flight when it passes still ends inside the requests' deadline.
 */
const FETCH_SHARE_OF_BUDGET = 0.8;

/**
 * When this poll's requests must be over: retries and Retry-After waits that would end later
 * are not taken, so a poll never outlasts the budget n8n gives it.
 */
function pollDeadline(context: IPollFunctions): number {
	const budget = pollBudgetMs(context);
	return Date.now() + budget * REQUEST_SHARE_OF_BUDGET;
}

/** "New event of an assistant run": every event once, in order, filtered by type. */
export async function pollRunEvents(
	this: IPollFunctions,
	client: GriptapeClient,
): Promise<INodeExecutionData[][] | null> {
	const runId = checkId(
		this.getNode(),
		0,
		this.getNodeParameter('assistantRunId', '', { extractValue: true }),
		'Assistant Run',
	);
	const deadline = pollDeadline(this);
	const types = String(this.getNodeParameter('eventTypes', '') ?? '')
		.split(',')
		.map((type) => type.trim())
		.filter(Boolean);
	const wanted = (event: IDataObject) => !types.length || types.includes(eventType(event));

	if (this.getMode() === 'manual') {
		// A sample for the editor: the latest event, without moving the cursor.
		const { total_count } = await client.listEvents(
			'assistantRun',
			runId,
			0,
			1,
			undefined,
			deadline,
		);
		if (!total_count) return null;
		const latest = await client.listEvents(
			'assistantRun',
			runId,
			Math.max(0, total_count - 1),
			1,
			undefined,
			deadline,
		);
		return toItems(latest.events.slice(-1));
	}

	const state = this.getWorkflowStaticData('node') as Partial<RunEventState>;
	let offset = state.runId === runId ? Number(state.offset ?? 0) : undefined;
	if (offset === undefined) {
		const startFrom = this.getNodeParameter('startFrom', 'beginning') as string;
		if (startFrom === 'now') {
			// Only events after activation: remember where the run is now, emit nothing yet.
			const { total_count } = await client.listEvents(
				'assistantRun',
				runId,
				0,
				1,
				undefined,
				deadline,
			);
			Object.assign(state, { runId, offset: total_count });
			return null;
		}
		offset = 0;
	}

	const events: IDataObject[] = [];
	// Stop fetching before the engine's budget for this poll runs out; the rest waits.
	const stopAt = Date.now() + pollBudgetMs(this) * FETCH_SHARE_OF_BUDGET;
	for (;;) {
		const page = await client.listEvents(
			'assistantRun',
			runId,
			offset,
			EVENT_PAGE,
			undefined,
			deadline,
		);
		events.push(...page.events);
		offset = page.next_offset;
		if (page.count === 0 || offset >= page.total_count || Date.now() > stopAt) break;
	}
	Object.assign(state, { runId, offset });
	return toItems(events.filter(wanted));
}

/**
 * How long one poll may take. n8n tells it (`getPollBudgetMs`) from 2.x's later releases on;
 * older n8n (1.123.x, 2.0.x) sets no budget, so the poll keeps to the shortest interval n8n
 * offers (every minute) and leaves the rest to the next poll.
 */
export const DEFAULT_POLL_BUDGET_MS = 60_000;

export function pollBudgetMs(context: IPollFunctions): number {
	const { getPollBudgetMs } = context as Partial<Pick<IPollFunctions, 'getPollBudgetMs'>>;
	return typeof getPollBudgetMs === 'function'
		? getPollBudgetMs.call(context)
		: DEFAULT_POLL_BUDGET_MS;
}

/**
 * "Run finished for an assistant": each run once when it reaches a terminal status.
 *
 * Each poll reads every run created since the watermark, whatever its status, in one pass
 * (newest first): one snapshot in which each run is either ended (emitted, unless emitted
 * before) or still going (remembered as pending). Runs still pending from earlier polls are
 * looked up by ID once they are no longer active. The new watermark is the newest creation time
 * the pass saw: a run created while the pass ran is newer, so the next pass reads it. Listing
 * active and finished runs in two requests instead would lose a run created between the two
 * that finished before the next poll.
 */
export async function pollFinishedRuns(
	this: IPollFunctions,
	client: GriptapeClient,
): Promise<INodeExecutionData[][] | null> {
	const assistantId = checkId(
		this.getNode(),
		0,
		this.getNodeParameter('assistantId', '', { extractValue: true }),
		'Assistant',
	);
	const statuses = (this.getNodeParameter('statuses', []) as string[]).filter((status) =>
		TERMINAL_STATUSES.includes(status),
	);
	const emitStatuses = statuses.length ? statuses : TERMINAL_STATUSES;
	const runsPath = `/assistants/${encodeURIComponent(assistantId)}/runs`;
	const deadline = pollDeadline(this);

	if (this.getMode() === 'manual') {
		const [latest] = await client.paginate(
			runsPath,
			'assistant_runs',
			{ status: emitStatuses.join(',') },
			{ returnAll: false, limit: 1, deadline },
		);
		return latest ? toItems([latest]) : null;
	}

	const state = this.getWorkflowStaticData('node') as Partial<RunFinishedState>;
	const first = state.assistantId !== assistantId || !state.watermark;
	const watermark = first ? undefined : String(state.watermark);
	const seen = new Set(state.seen ?? []);
	const pending = new Set(state.pending ?? []);
	const finished = new Map<string, IDataObject>();
	const stillGoing = new Set<string>();

	// 1. One pass over the runs created since the watermark (on the first poll: the latest page).
	let newest = watermark ?? '';
	for (let page = 1; ; page++) {
		const response = await client.page(
			runsPath,
			'assistant_runs',
			{},
			page,
			RUN_PAGE,
			undefined,
			deadline,
		);
		const fresh =
			watermark === undefined
				? response.items
				: response.items.filter((run) => String(run.created_at) >= watermark);
		for (const run of fresh) {
			const runId = String(run.assistant_run_id);
			if (String(run.created_at) > newest) newest = String(run.created_at);
			if (TERMINAL_STATUSES.includes(String(run.status))) {
				if (!seen.has(runId)) finished.set(runId, run);
			} else {
				stillGoing.add(runId);
			}
		}
		if (
			watermark === undefined ||
			fresh.length < response.items.length ||
			response.next === undefined
		)
			break;
	}

	if (first) {
		// First poll: runs that ended before activation are history, not news; those still going
		// (also beyond the first page) are news when they end.
		const active = await client.paginate(
			runsPath,
			'assistant_runs',
			{ status: ACTIVE_STATUSES.join(',') },
			{ returnAll: true, limit: 0, deadline },
		);
		for (const run of active) stillGoing.add(String(run.assistant_run_id));
		Object.assign(state, {
			assistantId,
			watermark: newest || new Date().toISOString(),
			pending: [...stillGoing],
			seen: [...finished.keys()].slice(-SEEN_KEPT),
		});
		return null;
	}

	// 2. Runs pending from earlier polls that the pass did not cover: those no longer active have
	// ended (looked up by ID; one that is gone is dropped).
	const unresolved = [...pending].filter(
		(runId) => !finished.has(runId) && !stillGoing.has(runId) && !seen.has(runId),
	);
	if (unresolved.length) {
		const active = new Set(
			(
				await client.paginate(
					runsPath,
					'assistant_runs',
					{ status: ACTIVE_STATUSES.join(',') },
					{ returnAll: true, limit: 0, deadline },
				)
			).map((run) => String(run.assistant_run_id)),
		);
		for (const runId of unresolved) {
			if (active.has(runId)) {
				stillGoing.add(runId);
				continue;
			}
			const run = await client
				.call<IDataObject>('GET', `/assistant-runs/${encodeURIComponent(runId)}`, {
					expect: RUN_CONTRACT,
					deadline,
				})
				.catch((error: Error) => error);
			if (run instanceof NodeApiError && run.httpCode === '404') continue;
			if (run instanceof Error) throw run;
			if (TERMINAL_STATUSES.includes(String(run.status))) finished.set(runId, run);
			else stillGoing.add(runId);
		}
	}

	const ended = [...finished.values()].sort((a, b) =>
		String(a.completed_at ?? a.updated_at ?? '').localeCompare(
			String(b.completed_at ?? b.updated_at ?? ''),
		),
	);
	Object.assign(state, {
		watermark: newest,
		pending: [...stillGoing],
		seen: [...(state.seen ?? []), ...ended.map((run) => String(run.assistant_run_id))].slice(
			-SEEN_KEPT,
		),
	});
	return toItems(ended.filter((run) => emitStatuses.includes(String(run.status))));
}
