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
import { ExecutionCancelledError } from '../shared/wait';

/**
 * Both pollers keep their cursor in the node's static data and move it only past pages they
 * read whole: a page is emitted whole or not at all. A page that fails (after the request
 * retries) ends the poll there: what the pages before it gave is emitted and the cursor saved
 * after them, the failure is logged, and the next poll goes on from there; a poll that read no
 * page reports the failure and changes nothing. Nothing is lost and nothing is emitted twice,
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
	/** Runs created at the watermark: the next pass reads them again, so those emitted stay in `seen`. */
	edge: string[];
	/** A pass over the runs since the watermark that a failed page (or the budget) interrupted. */
	pass?: PassState;
}

interface PassState extends IDataObject {
	/** The page it goes on with (newest first: runs created since only push runs further down). */
	page: number;
	/** The newest creation time the pass saw: the watermark once it is over. */
	newest: string;
	/** The oldest creation time it read: runs newer than this that reach later pages were read. */
	below: string;
	/** Runs created at `newest` (see RunFinishedState.edge). */
	edge: string[];
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

/**
 * A page failed after `pagesRead` pages of this poll were read whole: those are kept (the caller
 * emits them and saves its cursor after them) and the failure is logged. With none read, or when
 * the execution was cancelled, the failure is the poll's.
 */
function keepReadPages(
	context: IPollFunctions,
	error: unknown,
	pagesRead: number,
	what: string,
): void {
	if (!pagesRead || error instanceof ExecutionCancelledError) throw error;
	context.logger?.warn(
		`Griptape Cloud Trigger: ${what} failed after ${pagesRead} page(s) read; emitting those, the next poll goes on from there: ${(error as Error)?.message ?? String(error)}`,
	);
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
	let from: number = offset;
	for (let pagesRead = 0; ; pagesRead++) {
		const page = await client
			.listEvents('assistantRun', runId, from, EVENT_PAGE, undefined, deadline)
			.catch((error: unknown) => keepReadPages(this, error, pagesRead, 'reading events'));
		if (!page) break;
		events.push(...page.events);
		from = page.next_offset;
		if (page.count === 0 || from >= page.total_count || Date.now() > stopAt) break;
	}
	Object.assign(state, { runId, offset: from });
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
 *
 * A pass that a failed page or the poll's budget interrupts emits what its pages read and goes
 * on at that page in the next poll (`PassState`); the watermark moves once the pass is over.
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
	const resumed = first ? undefined : (state.pass as PassState | undefined);
	const seen = new Set(state.seen ?? []);
	const pending = new Set(state.pending ?? []);
	const finished = new Map<string, IDataObject>();
	const stillGoing = new Set<string>();

	// 1. One pass over the runs created since the watermark (on the first poll: the latest page),
	// or the rest of the pass an earlier poll began.
	let newest = resumed?.newest ?? watermark ?? '';
	let below = resumed?.below;
	const edge = new Set(resumed?.edge ?? (first ? [] : (state.edge ?? [])));
	let interruptedAt: number | undefined;
	const stopAt = Date.now() + pollBudgetMs(this) * FETCH_SHARE_OF_BUDGET;
	for (let page: number = resumed?.page ?? 1, pagesRead = 0; ; page++, pagesRead++) {
		const response = await client
			.page(runsPath, 'assistant_runs', {}, page, RUN_PAGE, undefined, deadline)
			.catch((error: unknown) => {
				if (first) throw error;
				keepReadPages(this, error, pagesRead, 'reading runs');
			});
		if (!response) {
			interruptedAt = page;
			break;
		}
		const fresh =
			watermark === undefined
				? response.items
				: response.items.filter((run) => String(run.created_at) >= watermark);
		for (const run of fresh) {
			const runId = String(run.assistant_run_id);
			const createdAt = String(run.created_at);
			// Read by the pass already, before runs created since pushed it down to this page.
			if (resumed && createdAt > resumed.below) continue;
			if (createdAt > newest) {
				newest = createdAt;
				edge.clear();
			}
			if (below === undefined || createdAt < below) below = createdAt;
			if (createdAt === newest) edge.add(runId);
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
		if (Date.now() > stopAt) {
			interruptedAt = page + 1;
			break;
		}
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
			edge: [...edge],
		});
		delete state.pass;
		return null;
	}

	// 2. Runs pending from earlier polls that the pass did not cover: those no longer active have
	// ended (looked up by ID; one that is gone is dropped). Once the pass is over only: until
	// then, runs it has still to read may be among them.
	if (interruptedAt === undefined) {
		const unresolved = [...pending].filter(
			(runId) => !finished.has(runId) && !stillGoing.has(runId) && !seen.has(runId),
		);
		await resolvePending
			.call(this, client, runsPath, unresolved, finished, stillGoing, deadline)
			.catch((error: unknown) => {
				// With nothing to emit, the poll reports the failure (and the next one does it again).
				if (!finished.size || error instanceof ExecutionCancelledError) throw error;
				this.logger?.warn(
					`Griptape Cloud Trigger: looking up pending runs failed; they stay pending for the next poll: ${(error as Error)?.message ?? String(error)}`,
				);
				for (const runId of unresolved) if (!finished.has(runId)) stillGoing.add(runId);
			});
	} else {
		for (const runId of pending)
			if (!finished.has(runId) && !seen.has(runId)) stillGoing.add(runId);
	}

	const ended = [...finished.values()].sort((a, b) =>
		String(a.completed_at ?? a.updated_at ?? '').localeCompare(
			String(b.completed_at ?? b.updated_at ?? ''),
		),
	);
	const emitted = [...(state.seen ?? []), ...ended.map((run) => String(run.assistant_run_id))];
	// The runs at the watermark's edge (and the pass's) are read again by the next pass: those
	// emitted stay in `seen`, however many others were emitted since.
	const kept = new Set([...(state.edge ?? []), ...edge]);
	const atEdge = emitted.filter((runId) => kept.has(runId));
	const rest = emitted.filter((runId) => !kept.has(runId));
	const over = interruptedAt === undefined;
	Object.assign(state, {
		watermark: over ? newest : watermark,
		pending: [...stillGoing],
		seen: [...rest.slice(-Math.max(0, SEEN_KEPT - atEdge.length)), ...atEdge.slice(-SEEN_KEPT)],
		edge: over ? [...edge] : (state.edge ?? []),
	});
	if (interruptedAt === undefined) delete state.pass;
	else state.pass = { page: interruptedAt, newest, below: below ?? newest, edge: [...edge] };
	return toItems(ended.filter((run) => emitStatuses.includes(String(run.status))));
}

/**
 * Sorts the runs pending from earlier polls into those that ended (`finished`) and those still
 * going, by the list of active runs and, for the others, each run's own record.
 */
async function resolvePending(
	this: IPollFunctions,
	client: GriptapeClient,
	runsPath: string,
	unresolved: string[],
	finished: Map<string, IDataObject>,
	stillGoing: Set<string>,
	deadline: number,
): Promise<void> {
	if (!unresolved.length) return;
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
