import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import type { GriptapeClient } from '../GriptapeCloud/transport';
import { ACTIVE_STATUSES, TERMINAL_STATUSES } from '../GriptapeCloud/transport';
import { eventType } from '../GriptapeCloud/actions/assistantRun/follow';

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

/** "New event of an assistant run": every event once, in order, filtered by type. */
export async function pollRunEvents(this: IPollFunctions, client: GriptapeClient): Promise<INodeExecutionData[][] | null> {
	const runId = String(this.getNodeParameter('assistantRunId', '', { extractValue: true }) ?? '').trim();
	const types = String(this.getNodeParameter('eventTypes', '') ?? '')
		.split(',')
		.map((type) => type.trim())
		.filter(Boolean);
	const wanted = (event: IDataObject) => !types.length || types.includes(eventType(event));

	if (this.getMode() === 'manual') {
		// A sample for the editor: the latest event, without moving the cursor.
		const { total_count } = await client.listEvents('assistantRun', runId, 0, 1);
		if (!total_count) return null;
		const latest = await client.listEvents('assistantRun', runId, Math.max(0, total_count - 1), 1);
		return toItems(latest.events.slice(-1));
	}

	const state = this.getWorkflowStaticData('node') as Partial<RunEventState>;
	let offset = state.runId === runId ? Number(state.offset ?? 0) : undefined;
	if (offset === undefined) {
		const startFrom = this.getNodeParameter('startFrom', 'beginning') as string;
		if (startFrom === 'now') {
			// Only events after activation: remember where the run is now, emit nothing yet.
			const { total_count } = await client.listEvents('assistantRun', runId, 0, 1);
			Object.assign(state, { runId, offset: total_count });
			return null;
		}
		offset = 0;
	}

	const events: IDataObject[] = [];
	// Stop fetching before the engine's budget for this poll runs out; the rest waits.
	const stopAt = Date.now() + pollBudgetMs(this) * 0.8;
	for (;;) {
		const page = await client.listEvents('assistantRun', runId, offset, EVENT_PAGE);
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
	return typeof getPollBudgetMs === 'function' ? getPollBudgetMs.call(context) : DEFAULT_POLL_BUDGET_MS;
}

/** "Run finished for an assistant": each run once when it reaches a terminal status. */
export async function pollFinishedRuns(this: IPollFunctions, client: GriptapeClient): Promise<INodeExecutionData[][] | null> {
	const assistantId = String(this.getNodeParameter('assistantId', '', { extractValue: true })).trim();
	const statuses = (this.getNodeParameter('statuses', []) as string[]).filter((status) => TERMINAL_STATUSES.includes(status));
	const emitStatuses = statuses.length ? statuses : TERMINAL_STATUSES;
	const runsPath = `/assistants/${encodeURIComponent(assistantId)}/runs`;
	const listAll = async (status: string[]) =>
		await client.paginate(runsPath, 'assistant_runs', { status: status.join(',') }, { returnAll: true, limit: 0 });

	if (this.getMode() === 'manual') {
		const [latest] = await client.paginate(runsPath, 'assistant_runs', { status: emitStatuses.join(',') }, { returnAll: false, limit: 1 });
		return latest ? toItems([latest]) : null;
	}

	const state = this.getWorkflowStaticData('node') as Partial<RunFinishedState>;
	if (state.assistantId !== assistantId || !state.watermark) {
		// First poll: runs that finished before activation are history, not news.
		const latest = await client.paginate(runsPath, 'assistant_runs', {}, { returnAll: false, limit: RUN_PAGE });
		const active = await listAll(ACTIVE_STATUSES);
		Object.assign(state, {
			assistantId,
			watermark: String(latest[0]?.created_at ?? new Date().toISOString()),
			pending: active.map((run) => String(run.assistant_run_id)),
			// Runs at the watermark itself are looked at again next time: mark the ended ones as known.
			seen: latest.filter((run) => TERMINAL_STATUSES.includes(String(run.status))).map((run) => String(run.assistant_run_id)),
		});
		return null;
	}

	const watermark = state.watermark;
	const seen = new Set(state.seen ?? []);
	const pendingBefore = new Set(state.pending ?? []);
	const finished = new Map<string, IDataObject>();

	// 1. Runs still going now; those that were going before and are not any more have ended.
	const active = await listAll(ACTIVE_STATUSES);
	const activeIds = new Set(active.map((run) => String(run.assistant_run_id)));
	for (const runId of pendingBefore) {
		if (activeIds.has(runId) || seen.has(runId)) continue;
		const run = await client.call<IDataObject>('GET', `/assistant-runs/${encodeURIComponent(runId)}`);
		if (TERMINAL_STATUSES.includes(String(run.status))) finished.set(runId, run);
	}

	// 2. Runs created since the watermark that have already ended. Run lists come newest first
	// (as Griptape Cloud's console shows them; the API reference does not say), so paging
	// stops at the first page that reaches back past the watermark.
	let newest = watermark;
	for (let page = 1; ; page++) {
		const response = await client.call<IDataObject>('GET', runsPath, {
			qs: { status: TERMINAL_STATUSES.join(','), page, page_size: RUN_PAGE },
		});
		const runs = (response.assistant_runs as IDataObject[]) ?? [];
		const fresh = runs.filter((run) => String(run.created_at) >= watermark);
		for (const run of fresh) {
			const runId = String(run.assistant_run_id);
			if (!seen.has(runId) && !finished.has(runId)) finished.set(runId, run);
			if (String(run.created_at) > newest) newest = String(run.created_at);
		}
		const more = Boolean((response.pagination as IDataObject | undefined)?.next_page);
		if (fresh.length < runs.length || !more) break;
	}
	for (const run of active) if (String(run.created_at) > newest) newest = String(run.created_at);

	const ended = [...finished.values()].sort((a, b) =>
		String(a.completed_at ?? a.updated_at ?? '').localeCompare(String(b.completed_at ?? b.updated_at ?? '')),
	);
	Object.assign(state, {
		watermark: newest,
		pending: [...activeIds],
		seen: [...(state.seen ?? []), ...ended.map((run) => String(run.assistant_run_id))].slice(-SEEN_KEPT),
	});
	return toItems(ended.filter((run) => emitStatuses.includes(String(run.status))));
}
