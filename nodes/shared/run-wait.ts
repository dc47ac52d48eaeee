import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeProperties,
	INodePropertyOptions,
	NodeApiError,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { clamp, RANGES, rangeText } from './bounds';
import { failureError } from './errors';
import { withProgress } from './progress';
import type { CancellableContext } from './wait';
import { waitFor } from './wait';

/**
 * Waiting for work a service does after answering the request (an assistant run, a file's
 * processing): the fields, the status sets, the deadline, and the two ways a wait fails.
 */

/**
 * How an operation waits: not at all, by checking the status (`poll`), by reading the run's
 * event pages (`events`), or by following its stream (`stream`). Each system offers the modes
 * its API has; the values are the stored parameter values.
 */
export type WaitMode = 'no' | 'poll' | 'events' | 'stream';

/** The statuses of one system's runs, declared once beside its API. */
export interface RunStatuses {
	/** Still going (where the API documents them). */
	active?: readonly string[];
	/** Ended with a result to read. */
	succeeded: readonly string[];
	/** Ended without one: the wait fails, and a retry has to start the work anew. */
	failed: readonly string[];
	/** The run waits for the workflow (tool outputs): the wait ends, the run does not. */
	paused?: readonly string[];
}

/** The statuses a run never leaves: succeeded or failed. */
export function terminalStatuses(statuses: RunStatuses): string[] {
	return [...statuses.succeeded, ...statuses.failed];
}

export function isTerminal(statuses: RunStatuses, status: unknown): boolean {
	return terminalStatuses(statuses).includes(String(status));
}

export function hasFailed(statuses: RunStatuses, status: unknown): boolean {
	return statuses.failed.includes(String(status));
}

/** The wait is over: the run ended, or waits for the workflow. */
export function stopsWaiting(statuses: RunStatuses, status: unknown): boolean {
	return isTerminal(statuses, status) || (statuses.paused ?? []).includes(String(status));
}

/** One name for the time limit of every wait, in every system. */
export const WAIT_TIMEOUT_NAME = 'Wait Timeout (Seconds)';

export const POLL_INTERVAL_NAME = 'Poll Interval (Seconds)';

/** "Wait for Completion": whether and how to wait; `options` are the modes the system has. */
export function waitModeField(
	options: INodePropertyOptions[],
	defaultMode: WaitMode,
	description?: string,
): INodeProperties {
	return {
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'options',
		options,
		default: defaultMode,
		...(description ? { description } : {}),
	};
}

/**
 * "Wait Timeout (Seconds)". `name` is the parameter's stored name, kept where a system named it
 * otherwise before (stored workflows keep their value); `waitsFor` completes "How long to wait
 * for …"; `note` follows the range.
 */
export function waitTimeoutField(
	waitsFor: string,
	options: { name?: string; note?: string } = {},
): INodeProperties {
	const name = options.name ?? 'waitTimeout';
	const defaultSeconds = RANGES.waitTimeoutSeconds.default;
	return {
		displayName: WAIT_TIMEOUT_NAME,
		name,
		type: 'number',
		typeOptions: {
			minValue: RANGES.waitTimeoutSeconds.min,
			maxValue: RANGES.waitTimeoutSeconds.max,
		},
		default: defaultSeconds,
		description: `How long to wait for ${waitsFor} before failing (${rangeText(RANGES.waitTimeoutSeconds)} s; other values are clamped)${options.note ? `. ${options.note}` : ''}`,
	};
}

/** "Poll Interval (Seconds)": `between` completes "How long to wait between …". */
export function pollIntervalField(
	between: string,
	defaultSeconds: number = RANGES.pollIntervalSeconds.default,
): INodeProperties {
	return {
		displayName: POLL_INTERVAL_NAME,
		name: 'pollInterval',
		type: 'number',
		typeOptions: {
			minValue: RANGES.pollIntervalSeconds.min,
			maxValue: RANGES.pollIntervalSeconds.max,
		},
		default: defaultSeconds,
		description: `How long to wait between ${between} (${rangeText(RANGES.pollIntervalSeconds)} s; other values are clamped)`,
	};
}

/** A wait's pace and limit, in milliseconds. */
export interface WaitTiming {
	pollIntervalMs: number;
	timeoutMs: number;
}

/**
 * The timing from the collection that holds the wait's fields (`collection` names it in log
 * lines, e.g. "Options"), clamped to their ranges. `timeoutName` is the time limit's stored
 * parameter name where it is not `waitTimeout`.
 */
export function readWaitTiming(
	context: IExecuteFunctions,
	options: IDataObject,
	collection: string,
	defaults: { pollIntervalSeconds?: number; timeoutName?: string } = {},
): WaitTiming {
	const timeoutName = defaults.timeoutName ?? 'waitTimeout';
	return {
		pollIntervalMs:
			clamp(
				options.pollInterval ?? defaults.pollIntervalSeconds ?? RANGES.pollIntervalSeconds.default,
				RANGES.pollIntervalSeconds,
				`${collection} > ${POLL_INTERVAL_NAME}`,
				context.logger,
			) * 1000,
		timeoutMs:
			clamp(
				options[timeoutName] ?? RANGES.waitTimeoutSeconds.default,
				RANGES.waitTimeoutSeconds,
				`${collection} > ${WAIT_TIMEOUT_NAME}`,
				context.logger,
			) * 1000,
	};
}

/**
 * The clock of one wait: its deadline, from when it starts. Retries and Retry-After waits of
 * its checks count against it (pass `deadline` to their requests).
 */
export class WaitClock {
	readonly started = Date.now();

	readonly deadline: number;

	constructor(readonly timing: WaitTiming) {
		this.deadline = this.started + timing.timeoutMs;
	}

	/** Another pause and check would end after the deadline: the wait gives up now. */
	tooLateForAnotherCheck(): boolean {
		return Date.now() + this.timing.pollIntervalMs > this.deadline;
	}

	/** The pause between two checks; a cancelled execution stops it. */
	async pause(context: CancellableContext): Promise<void> {
		await waitFor(context, this.timing.pollIntervalMs);
	}

	elapsedMs(): number {
		return Date.now() - this.started;
	}
}

/**
 * Checks until `done` says the wait is over, pausing between checks; starts from `first` when
 * the state is known already (a run as created), else with a check. Throws `timedOut(last)`
 * when another check would come too late.
 */
export async function pollUntil<T>(
	context: CancellableContext,
	clock: WaitClock,
	steps: {
		check: () => Promise<T>;
		done: (value: T) => boolean;
		timedOut: (last: T) => Error | Promise<Error>;
		first?: T;
	},
): Promise<T> {
	let value = steps.first ?? (await steps.check());
	for (;;) {
		if (steps.done(value)) return value;
		if (clock.tooLateForAnotherCheck()) throw await steps.timedOut(value);
		await clock.pause(context);
		value = await steps.check();
	}
}

/**
 * The wait ran out of time: "<subject> did not finish within N s<state>". The work itself goes
 * on (unless `state` says otherwise); `description` says how to pick it up.
 */
export function waitTimedOut(
	node: INode,
	timing: WaitTiming,
	failure: {
		subject: string;
		verb?: string;
		state: string;
		description: string;
		itemIndex: number;
		progress?: IDataObject;
	},
): NodeOperationError {
	const seconds = Math.round(timing.timeoutMs / 1000);
	const error = new NodeOperationError(
		node,
		`${failure.subject} ${failure.verb ?? 'did not finish'} within ${seconds} s${failure.state}`,
		{
			itemIndex: failure.itemIndex,
			description: failure.description,
		},
	);
	return failure.progress ? withProgress(error, failure.progress) : error;
}

/** The run ended without a result: "<subject> ended with status <status><detail>". */
export function runFailed(
	node: INode,
	failure: {
		subject: string;
		status: string;
		detail: string;
		description: string;
		itemIndex: number;
		progress: IDataObject;
	},
): NodeApiError {
	return withProgress(
		failureError(
			node,
			failure.status,
			`${failure.subject} ended with status ${failure.status}${failure.detail}`,
			{
				description: failure.description,
				itemIndex: failure.itemIndex,
			},
		),
		failure.progress,
	);
}
