import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * Progress: what an operation already got done. It serves twice: kept in the error item when
 * the operation fails (`withProgress`, shown under "Continue On Fail"), and remembered for
 * n8n's "Retry On Fail", which then repeats only the unfinished work (`itemProgress`).
 */

/** Progress an operation made before it failed (e.g. the thread it created), kept in the error item. */
export function withProgress<E extends Error>(error: E, progress: IDataObject): E {
	(error as E & { progress?: IDataObject }).progress = {
		...((error as E & { progress?: IDataObject }).progress ?? {}),
		...progress,
	};
	return error;
}

/** What an operation recorded with `withProgress` before it failed. */
export function progressOf(error: Error): IDataObject {
	return (error as Error & { progress?: IDataObject }).progress ?? {};
}

/**
 * What a node already did in this execution, so that n8n's "Retry On Fail" repeats only the
 * unfinished work.
 *
 * Why it is needed: n8n retries a node by calling its `execute` again, in the same execution,
 * with the same input; every item would be processed again (a question asked twice, a second
 * thread created). The progress record remembers, per item, the finished result and the finished steps
 * of a multi-step operation (thread created, message posted, run started); the retry reuses
 * them and does only what is missing.
 *
 * Where it lives: in this process's memory, keyed by execution ID, node name and run index.
 * A retry always happens in the process that ran the first try (in queue mode one worker runs
 * a whole execution), so nothing else is needed. It is only kept for nodes with "Retry On Fail"
 * on, removed as soon as a try succeeds for every item, and bounded in count and age, so a
 * long-running n8n does not accumulate it. Across executions it knows nothing.
 */

interface StepRecord {
	/** The step finished with this value. */
	done: boolean;
	value?: unknown;
}

interface ItemRecord {
	result?: IDataObject | IDataObject[];
	steps: Map<string, StepRecord>;
}

interface NodeRunRecord {
	touchedAt: number;
	/** Tries of the node so far (n8n's loop runs the node at most `maxTries` times). */
	tries: number;
	items: Map<number, ItemRecord>;
}

/** How many times n8n runs a node with "Retry On Fail" (its engine clamps Max Tries to 2..5). */
function triesAllowed(maxTries: number | undefined): number {
	return Math.min(5, Math.max(2, maxTries || 3));
}

const MAX_RECORDS = 200;
const MAX_AGE_MS = 60 * 60 * 1000;
const records = new Map<string, NodeRunRecord>();

type ProgressContext = Pick<
	IExecuteFunctions,
	'getExecutionId' | 'getNode' | 'getWorkflowDataProxy'
>;

function keyOf(context: ProgressContext): string | undefined {
	const node = context.getNode();
	if (node.retryOnFail !== true) return undefined;
	const executionId = context.getExecutionId();
	if (executionId === undefined || executionId === null || executionId === '') return undefined;
	// The run index tells apart the node's runs in a loop, whose inputs differ.
	return JSON.stringify([
		String(executionId),
		node.name,
		context.getWorkflowDataProxy(0).$runIndex,
	]);
}

/** Drops records of executions that are long over (or that never came back for a retry). */
function evict(now: number): void {
	for (const [key, record] of records) {
		if (now - record.touchedAt > MAX_AGE_MS || records.size > MAX_RECORDS) records.delete(key);
	}
}

/** The progress of one item: its steps, recorded only while the node may be retried. */
export class ItemProgress {
	constructor(private readonly record: ItemRecord | undefined) {}

	/** The value of a finished step, if an earlier try finished it. */
	recall<T>(step: string): T | undefined {
		const entry = this.record?.steps.get(step);
		return entry?.done ? (entry.value as T) : undefined;
	}

	/** Records a step as finished (e.g. a run the server started before the request failed). */
	remember(step: string, value: unknown): void {
		this.record?.steps.set(step, { done: true, value });
	}

	/** Forgets a step whose result turned out unusable (a run that failed): a retry does it anew. */
	forget(step: string): void {
		this.record?.steps.delete(step);
	}

	/**
	 * Runs `work` that builds on a recorded step (waiting for a started run). If it fails
	 * because the step's value is spent (`spent`: the run failed or was cancelled), the step
	 * is forgotten, so that a retry does it anew instead of waiting for a dead run again.
	 */
	async buildOn<R>(
		step: string,
		work: () => Promise<R>,
		spent: (error: Error) => boolean,
	): Promise<R> {
		return await work().catch((error: Error) => {
			if (spent(error)) this.forget(step);
			throw error;
		});
	}

	/**
	 * Runs `action` once per execution: a retry gets the value of the try that finished it.
	 * When an earlier try started the step but failed without knowing whether the server acted
	 * (a reset connection, a cut stream), `recover` looks at the server first and its answer,
	 * if any, counts as the step's value.
	 */
	async once<T>(
		step: string,
		action: () => Promise<T>,
		recover?: () => Promise<T | undefined>,
	): Promise<T> {
		const entry = this.record?.steps.get(step);
		if (entry?.done) return entry.value as T;
		if (entry && recover) {
			const recovered = await recover();
			if (recovered !== undefined) {
				this.record?.steps.set(step, { done: true, value: recovered });
				return recovered;
			}
		}
		this.record?.steps.set(step, { done: false });
		const value = await action();
		this.record?.steps.set(step, { done: true, value });
		return value;
	}
}

/** The progress of one node run (one execution, one node, one run index). */
export class NodeRunProgress {
	private constructor(
		private readonly key: string | undefined,
		private readonly record: NodeRunRecord | undefined,
		/** No retry can follow this try: whatever happens, the record is not needed afterwards. */
		readonly lastTry: boolean,
	) {}

	/** The progress of the node run `context` belongs to; inactive without "Retry On Fail". */
	static open(context: ProgressContext): NodeRunProgress {
		return NodeRunProgress.find(context, false);
	}

	/** Opens the progress record for a new try of the node (the router calls it once per `execute`). */
	static beginTry(context: ProgressContext): NodeRunProgress {
		return NodeRunProgress.find(context, true);
	}

	private static find(context: ProgressContext, newTry: boolean): NodeRunProgress {
		const key = keyOf(context);
		if (key === undefined) return new NodeRunProgress(undefined, undefined, true);
		const now = Date.now();
		evict(now);
		let record = records.get(key);
		if (!record) {
			record = { touchedAt: now, tries: 0, items: new Map() };
			records.set(key, record);
		}
		record.touchedAt = now;
		if (newTry) record.tries++;
		return new NodeRunProgress(
			key,
			record,
			record.tries >= triesAllowed(context.getNode().maxTries),
		);
	}

	private itemRecord(itemIndex: number): ItemRecord | undefined {
		if (!this.record) return undefined;
		let item = this.record.items.get(itemIndex);
		if (!item) {
			item = { steps: new Map() };
			this.record.items.set(itemIndex, item);
		}
		return item;
	}

	/** The result an earlier try produced for this item, if any. */
	result(itemIndex: number): IDataObject | IDataObject[] | undefined {
		return this.record?.items.get(itemIndex)?.result;
	}

	saveResult(itemIndex: number, result: IDataObject | IDataObject[]): void {
		const item = this.itemRecord(itemIndex);
		if (item) item.result = result;
	}

	item(itemIndex: number): ItemProgress {
		return new ItemProgress(this.itemRecord(itemIndex));
	}

	/** Every item succeeded, or this was the last try: there will be no retry to serve. */
	close(): void {
		if (this.key !== undefined) records.delete(this.key);
	}
}

/** The progress of one item of the node run `context` belongs to (for an operation's steps). */
export function itemProgress(context: ProgressContext, itemIndex: number): ItemProgress {
	return NodeRunProgress.open(context).item(itemIndex);
}

/** How many node runs are remembered now (for tests of the bounds). */
export function rememberedNodeRuns(): number {
	return records.size;
}
