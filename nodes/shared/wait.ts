import { sleep } from 'n8n-workflow';

/** The part of n8n's execution contexts that tells whether the execution was cancelled. */
export interface CancellableContext {
	getExecutionCancelSignal?: () => AbortSignal | undefined;
}

export class ExecutionCancelledError extends Error {
	constructor() {
		super('The execution was cancelled');
		this.name = 'ExecutionCancelledError';
	}
}

export function isCancelled(context: CancellableContext): boolean {
	return context.getExecutionCancelSignal?.()?.aborted === true;
}

// n8n-workflow's `sleep` cannot be interrupted, so long waits are cut into short slices:
// a cancelled execution stops waiting within one slice.
const SLICE_MS = 200;

/** Waits `ms`, or less when the execution is cancelled (then throws). */
export async function waitFor(context: CancellableContext, ms: number): Promise<void> {
	const end = Date.now() + Math.max(0, ms);
	for (;;) {
		if (isCancelled(context)) throw new ExecutionCancelledError();
		const left = end - Date.now();
		if (left <= 0) return;
		await sleep(Math.min(left, SLICE_MS));
	}
}
