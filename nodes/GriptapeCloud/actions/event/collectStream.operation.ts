import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { clamp, RANGES, rangeText } from '../../../shared/bounds';
import { failureError } from '../../../shared/errors';
import { parseJsonObject, readChunks, SseParser, StreamError } from '../../../shared/streams';
import { isCancelled } from '../../../shared/wait';
import type { EventSource, GriptapeClient } from '../../transport';
import { RUN_CONTRACT, TERMINAL_STATUSES } from '../../transport';
import { eventType, isAssistantFinish } from '../assistantRun/follow';
import { readSource, sourceFields } from './fields';

/** Events after which a structure run's stream ends (the server closes it then). */
const STRUCTURE_RUN_END = ['FinishStructureRunEvent', 'StructureRunCompleted', 'StructureRunSucceeded', 'StructureRunError', 'StructureRunFailed'];

/**
 * Whether a stream the server closed had reached the run's end. The stream has no end marker:
 * the last event tells (an assistant run's own FinishStructureRunEvent, or a structure run's
 * end event), or else, for an assistant run, its status (a failed run may send no such event).
 */
async function reachedEnd(client: GriptapeClient, source: EventSource, runId: string, events: IDataObject[], itemIndex: number) {
	if (source === 'assistantRun') {
		if (events.some((event) => isAssistantFinish(event))) return true;
		const run = await client.call<IDataObject>('GET', `/assistant-runs/${encodeURIComponent(runId)}`, { itemIndex, expect: RUN_CONTRACT });
		return TERMINAL_STATUSES.includes(String(run.status));
	}
	return events.some((event) => STRUCTURE_RUN_END.includes(eventType(event)));
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

export const description = updateDisplayOptions({ show: { resource: ['event'], operation: ['collectStream'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const { source, runId } = readSource(this, itemIndex);
	const durationMs = clamp(this.getNodeParameter('duration', itemIndex, 60), RANGES.collectSeconds, 'Collect For (Seconds)', this.logger) * 1000;
	const deadline = Date.now() + durationMs;
	const parser = new SseParser();
	const events: IDataObject[] = [];
	let endedBy = 'server';
	const take = (data: string) => {
		const event = parseJsonObject(data);
		if (event) events.push(event);
	};
	// The socket's idle timeout ends a silent stream when the time is up.
	const stream = await client.streamEvents(source, runId, itemIndex, durationMs, deadline);
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
			throw failureError(this.getNode(), 'interrupted', `The event stream of ${runId} broke off after ${events.length} events`, { description: 'The events collected so far are not reported. Use Event > Get Many with an offset to read them.', itemIndex });
		}
		endedBy = 'duration';
	} finally {
		stream.destroy();
	}
	if (endedBy === 'server' && !(await reachedEnd(client, source, runId, events, itemIndex))) {
		throw failureError(this.getNode(), 'incomplete', `The event stream of ${runId} ended after ${events.length} events, before the run did`, {
			description: 'The stream was closed early (by a proxy or the network): the events collected are not reported. Use Event > Get Many with an offset to read them.',
			itemIndex,
		});
	}
	const text = events
		.filter((event) => eventType(event) === 'TextChunkEvent')
		.map((event) => String((event.payload as IDataObject)?.token ?? ''))
		.join('');
	return { run_id: runId, source, ended_by: endedBy, event_count: events.length, text, events };
}
