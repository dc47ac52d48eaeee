import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { failureError } from '../../../shared/errors';
import { updateDisplayOptions } from 'n8n-workflow';

import { parseJsonObject, readChunks, SseParser, StreamError } from '../../../shared/streams';
import { isCancelled } from '../../../shared/wait';
import type { GriptapeClient } from '../../transport';
import { eventType } from '../assistantRun/follow';
import { readSource, sourceFields } from './fields';

const properties: INodeProperties[] = [
	...sourceFields,
	{
		displayName: 'Collect For (Seconds)',
		name: 'duration',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description: 'Stop after this long, or earlier when the run ends and the server closes the stream',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['event'], operation: ['collectStream'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const { source, runId } = readSource(this, itemIndex);
	const durationMs = (this.getNodeParameter('duration', itemIndex, 60) as number) * 1000;
	const deadline = Date.now() + durationMs;
	const parser = new SseParser();
	const events: IDataObject[] = [];
	let endedBy = 'server';
	const take = (data: string) => {
		const event = parseJsonObject(data);
		if (event) events.push(event);
	};
	// The socket's idle timeout ends a silent stream when the time is up.
	const stream = await client.streamEvents(source, runId, itemIndex, durationMs);
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
	const text = events
		.filter((event) => eventType(event) === 'TextChunkEvent')
		.map((event) => String((event.payload as IDataObject)?.token ?? ''))
		.join('');
	return { run_id: runId, source, ended_by: endedBy, event_count: events.length, text, events };
}
