import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { clamp, RANGES, rangeText } from '../../../shared/bounds';
import { failureError } from '../../../shared/errors';
import { parseJsonObject, readChunks, SseParser, StreamError } from '../../../shared/streams';
import { isCancelled } from '../../../shared/wait';
import type { EventSource, GriptapeClient } from '../../transport';
import { eventType, isAssistantFinish, RUN_CONTRACT, TERMINAL_STATUSES } from '../../transport';
import { readSource, sourceFields } from './fields';

/** Events after which a run's stream ends (the server closes it then). */
const RUN_END = [
	'StructureRunCompleted',
	'StructureRunSucceeded',
	'StructureRunError',
	'StructureRunFailed',
];

/**
 * Why a stream the server closed had not reached the run's end, if it had not. The stream has
 * no end marker: an end event tells (the assistant's own FinishStructureRunEvent, or a run's
 * completed/error event); without one, every event of the run must have arrived, and an
 * assistant run must be over (a failed run may send no end event at all).
 */
async function missingEnd(
	client: GriptapeClient,
	source: EventSource,
	runId: string,
	events: IDataObject[],
	itemIndex: number,
) {
	const ended = (event: IDataObject) =>
		RUN_END.includes(eventType(event)) ||
		(source === 'assistantRun'
			? isAssistantFinish(event)
			: eventType(event) === 'FinishStructureRunEvent');
	if (events.some(ended)) return undefined;
	const { total_count } = await client.listEvents(source, runId, 0, 1, itemIndex);
	if (events.length < total_count)
		return `${total_count - events.length} of its ${total_count} events are missing`;
	if (source === 'assistantRun') {
		const run = await client.call<IDataObject>(
			'GET',
			`/assistant-runs/${encodeURIComponent(runId)}`,
			{ itemIndex, expect: RUN_CONTRACT },
		);
		if (!TERMINAL_STATUSES.includes(String(run.status)))
			return `the run is still ${String(run.status)}`;
	}
	return undefined;
}

const properties: INodeProperties[] = [
	...sourceFields,
	{
		displayName: 'Collect For (Seconds)',
		name: 'duration',
		type: 'number',
		typeOptions: { minValue: RANGES.collectSeconds.min, maxValue: RANGES.collectSeconds.max },
		default: 60,
		description: `Stop after this long, or earlier when the run ends and the server closes the stream (${rangeText(RANGES.collectSeconds)} s; other values are clamped)`,
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['collectStream'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const { source, runId } = readSource(this, itemIndex);
	const durationMs =
		clamp(
			this.getNodeParameter('duration', itemIndex, 60),
			RANGES.collectSeconds,
			'Collect For (Seconds)',
			this.logger,
		) * 1000;
	const deadline = Date.now() + durationMs;
	const parser = new SseParser();
	const events: IDataObject[] = [];
	let endedBy = 'server';
	const take = (data: string) => {
		const event = parseJsonObject(data);
		if (event) events.push(event);
	};
	// The stream ends when the time is up; silent for longer than the Timeout, it broke off.
	const stream = await client.streamEvents(
		source,
		runId,
		itemIndex,
		Math.min(client.api.timeoutMs, durationMs),
		deadline,
	);
	try {
		for await (const chunk of readChunks(stream)) {
			parser.push(chunk).forEach((event) => take(event.data));
			if (Date.now() >= deadline || isCancelled(this)) {
				endedBy = 'duration';
				break;
			}
		}
		parser.end().forEach((event) => take(event.data));
	} catch (error) {
		// A stream that went silent until the time was up ends here; any earlier break is an error.
		if (!(error instanceof StreamError) || Date.now() < deadline - 250) {
			const why = error instanceof StreamError ? `: ${error.message}` : '';
			throw failureError(
				this.getNode(),
				'interrupted',
				`The event stream of ${runId} broke off after ${events.length} events${why}`,
				{
					description:
						'The events collected so far are not reported. Use Event > Get Many with an offset to read them.',
					itemIndex,
				},
			);
		}
		endedBy = 'duration';
	} finally {
		stream.destroy();
	}
	const missing =
		endedBy === 'server' ? await missingEnd(client, source, runId, events, itemIndex) : undefined;
	if (missing) {
		throw failureError(
			this.getNode(),
			'incomplete',
			`The event stream of ${runId} ended after ${events.length} events, before the run did: ${missing}`,
			{
				description:
					'The stream was closed early (by a proxy or the network): the events collected are not reported. Use Event > Get Many with an offset to read them.',
				itemIndex,
			},
		);
	}
	const text = events
		.filter((event) => eventType(event) === 'TextChunkEvent')
		.map((event) => String((event.payload as IDataObject)?.token ?? ''))
		.join('');
	return { run_id: runId, source, ended_by: endedBy, event_count: events.length, text, events };
}
