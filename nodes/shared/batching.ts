import type { CancellableContext } from './wait';
import { ExecutionCancelledError, isCancelled } from './wait';

export type ItemOutcome<T> = { ok: true; value: T } | { ok: false; error: Error };

export interface BatchOptions {
	/** Items processed at the same time (at least 1). */
	concurrency: number;
	/** Keep going after a failure (n8n's "Continue On Fail"); otherwise stop starting new items. */
	continueOnFail: boolean;
}

/**
 * Runs `worker` once per item index with bounded concurrency. Results come back in input
 * order whatever order they finished in. Each index is started at most once, so an item is
 * never processed twice; after a failure without "Continue On Fail", no new item starts,
 * the ones in flight finish, and the outcomes so far are returned for the caller to report.
 */
export async function runBatch<T>(
	context: CancellableContext,
	count: number,
	worker: (index: number) => Promise<T>,
	options: BatchOptions,
): Promise<Array<ItemOutcome<T> | undefined>> {
	const outcomes: Array<ItemOutcome<T> | undefined> = new Array(count).fill(undefined);
	let next = 0;
	let stopped = false;
	let cancelled = false;

	const lane = async () => {
		while (!stopped && next < count) {
			if (isCancelled(context)) {
				cancelled = true;
				return;
			}
			const index = next++;
			try {
				outcomes[index] = { ok: true, value: await worker(index) };
			} catch (error) {
				outcomes[index] = { ok: false, error: error as Error };
				cancelled ||= error instanceof ExecutionCancelledError;
				if (cancelled || !options.continueOnFail) stopped = true;
			}
		}
	};

	const lanes = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, count));
	await Promise.all(Array.from({ length: lanes }, lane));
	if (cancelled) throw new ExecutionCancelledError();
	return outcomes;
}
