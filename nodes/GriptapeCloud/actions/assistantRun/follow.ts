import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { AnswerForwarder } from '../../../shared/forward';
import type { WaitMode, WaitTiming } from '../../../shared/run-wait';
import {
	hasFailed,
	isTerminal,
	runFailed,
	WaitClock,
	waitTimedOut,
} from '../../../shared/run-wait';
import { parseJsonObject, readChunks, SseParser, StreamError } from '../../../shared/streams';
import { isCancelled } from '../../../shared/wait';
import type { GriptapeClient } from '../../transport';
import {
	artifactText,
	eventType,
	isAssistantFinish,
	RUN_CONTRACT,
	RUN_STATUSES,
} from '../../transport';

export interface FollowOptions extends WaitTiming {
	mode: Extract<WaitMode, 'events' | 'stream'>;
	cancelOnTimeout: boolean;
	includeEvents: boolean;
	itemIndex: number;
}

/** Collects a run's events from any source (event pages or the SSE stream) in order. */
class EventCollector {
	offset = 0;

	readonly events: IDataObject[] = [];

	readonly chunks: string[] = [];

	finishOutput: unknown;

	finished = false;

	constructor(private readonly forwarder: AnswerForwarder) {}

	take(event: IDataObject): void {
		this.events.push(event);
		const payload = (event.payload as IDataObject) ?? {};
		if (eventType(event) === 'TextChunkEvent' && typeof payload.token === 'string') {
			this.chunks.push(payload.token);
			this.forwarder.send(payload.token);
		}
		if (isAssistantFinish(event)) {
			this.finished = true;
			this.finishOutput = payload.output_task_output;
		}
	}
}

/**
 * Waits for an assistant run to end, by polling its events (`offset = next_offset`) or by
 * reading its SSE stream, and returns the run with its answer. Stops on the assistant's
 * FinishStructureRunEvent or on a terminal run status (a failed run may send no finish
 * event). A broken stream falls back to polling from the last event received, so no event
 * is lost or counted twice.
 */
export async function followRun(
	this: IExecuteFunctions,
	client: GriptapeClient,
	runId: string,
	options: FollowOptions,
): Promise<IDataObject> {
	const clock = new WaitClock(options);
	const deadline = clock.deadline;
	const requestsBefore = client.api.requestsSent;
	const forwarder = new AnswerForwarder(this, options.itemIndex, clock.started);
	const collector = new EventCollector(forwarder);
	const getRun = async () =>
		await client.call<IDataObject>('GET', `/assistant-runs/${encodeURIComponent(runId)}`, {
			itemIndex: options.itemIndex,
			expect: RUN_CONTRACT,
			deadline,
		});
	const listEvents = async () =>
		await client.listEvents(
			'assistantRun',
			runId,
			collector.offset,
			100,
			options.itemIndex,
			deadline,
		);

	forwarder.begin();
	let run: IDataObject | undefined;
	if (options.mode === 'stream') {
		await readStream.call(this, client, runId, collector, deadline, options.itemIndex);
	}
	for (;;) {
		if (collector.finished) break;
		const page = await listEvents();
		page.events.forEach((event) => collector.take(event));
		collector.offset = page.next_offset;
		if (collector.finished) break;
		const caughtUp = page.count === 0 || collector.offset >= page.total_count;
		if (!caughtUp) continue;
		// Nothing new: ask the run itself, since a failed run may never send a finish event.
		if (page.count === 0 || run === undefined) {
			run = await getRun();
			if (isTerminal(RUN_STATUSES, run.status)) {
				// Read what arrived between the last page and the final status, then stop.
				const rest = await listEvents();
				rest.events.forEach((event) => collector.take(event));
				collector.offset = rest.next_offset;
				if (rest.count === 0 || collector.offset >= rest.total_count) break;
				continue;
			}
		}
		if (clock.tooLateForAnotherCheck())
			throw await timeoutError.call(this, client, runId, run, options);
		await clock.pause(this);
	}
	if (collector.finished || !run) run = await getRun();

	const status = String(run.status);
	const progress = { assistant_run_id: runId, status, event_count: collector.events.length };
	if (hasFailed(RUN_STATUSES, status)) {
		throw runFailed(this.getNode(), {
			subject: `Griptape Cloud run ${runId}`,
			status,
			detail:
				run.status_detail === undefined || run.status_detail === null
					? ''
					: `: ${JSON.stringify(run.status_detail)}`,
			description:
				status === 'CANCELLED'
					? 'The run was cancelled before it finished.'
					: "The run failed on Griptape Cloud; status_detail and the run's events tell why. Fix the cause, then start a new run.",
			itemIndex: options.itemIndex,
			progress: { ...progress, status_detail: run.status_detail as IDataObject },
		});
	}
	// Only now, so that a failed run's stream never looks finished. Griptape returns no sources
	// for an answer (the output is a TextArtifact with its text), so nothing follows the text.
	forwarder.end();
	const answer =
		artifactText(run.output) ?? artifactText(collector.finishOutput) ?? collector.chunks.join('');
	// The answer first: the editor's table and JSON views show an item's keys in order.
	return {
		answer,
		...run,
		text_chunks: collector.chunks,
		event_count: collector.events.length,
		...(options.includeEvents ? { events: collector.events } : {}),
		wait: {
			mode: options.mode,
			requests: client.api.requestsSent - requestsBefore,
			duration_ms: clock.elapsedMs(),
		},
	};
}

/**
 * Reads the SSE stream into the collector until the server closes it (the run is over),
 * the finish event arrives, or the deadline passes. A stream that breaks is not an error
 * here: the polling loop picks up from the last event received.
 */
async function readStream(
	this: IExecuteFunctions,
	client: GriptapeClient,
	runId: string,
	collector: EventCollector,
	deadline: number,
	itemIndex: number,
): Promise<void> {
	const parser = new SseParser();
	const take = (data: string) => {
		const event = parseJsonObject(data);
		if (!event) return;
		collector.take(event);
		// The stream carries the same events as the pages, in the same order.
		collector.offset++;
	};
	// A silent stream must not outlive the wait, nor the Timeout of one request.
	const idle = Math.max(1000, Math.min(client.api.timeoutMs, deadline - Date.now()));
	const stream = await client.streamEvents('assistantRun', runId, itemIndex, idle, deadline);
	try {
		for await (const chunk of readChunks(stream)) {
			parser.push(chunk).forEach((event) => take(event.data));
			if (collector.finished || Date.now() > deadline || isCancelled(this)) break;
		}
		if (!collector.finished) parser.end().forEach((event) => take(event.data));
	} catch (error) {
		if (!(error instanceof StreamError))
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		this.logger?.warn(
			`Griptape Cloud: event stream of run ${runId} broke off; continuing by polling events`,
		);
	} finally {
		stream.destroy();
	}
}

async function timeoutError(
	this: IExecuteFunctions,
	client: GriptapeClient,
	runId: string,
	run: IDataObject | undefined,
	options: FollowOptions,
) {
	let state = `it is still ${String(run?.status ?? 'running')} and keeps running on Griptape Cloud`;
	if (options.cancelOnTimeout) {
		await client.call('POST', `/assistant-runs/${encodeURIComponent(runId)}/cancel`, {
			itemIndex: options.itemIndex,
			expect: RUN_CONTRACT,
			unclear: 'Check the run with Assistant Run > Get.',
		});
		state = 'it was cancelled';
	}
	return waitTimedOut(this.getNode(), options, {
		subject: `Griptape Cloud run ${runId}`,
		state: `; ${state}`,
		description: options.cancelOnTimeout
			? 'Raise the Wait Timeout to let such runs finish.'
			: 'Raise the Wait Timeout, or pick the result up later with Assistant Run > Get or the Griptape Cloud Trigger ("Run Finished").',
		itemIndex: options.itemIndex,
		progress: {
			assistant_run_id: runId,
			status: options.cancelOnTimeout ? 'CANCELLED' : String(run?.status ?? 'RUNNING'),
		},
	});
}
