import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { nothing } from '../../../shared/contracts';
import { pathId } from '../../../shared/parameters';
import { characterCount, Validator } from '../../../shared/validation';
import type { GriptapeClient } from '../../transport';
import { idField } from '../fields';

const properties: INodeProperties[] = [
	idField('Structure Run ID', 'structureRunId'),
	{
		displayName: 'Events (JSON)',
		name: 'eventsJson',
		type: 'json',
		default: '[{ "type": "UserEvent", "payload": {} }]',
		required: true,
		description:
			'An array of events, each with a type (1–200 characters), a payload and optionally a timestamp in epoch seconds (default: now)',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['create'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const validator = new Validator(this.getNode(), itemIndex);
	const runId = pathId(this, 'structureRunId', 'Structure Run ID', itemIndex);
	const events = validator.jsonArray(
		this.getNodeParameter('eventsJson', itemIndex, '[]'),
		'Events (JSON)',
		{ objects: true },
	);
	if (events.length === 0) validator.fail('"Events (JSON)" must hold at least one event');
	const now = Date.now() / 1000;
	const body = events.map((event, index) => {
		const type = event.type;
		if (typeof type !== 'string') {
			return validator.fail(
				`"Events (JSON)" event ${index + 1}: type must be text, got ${JSON.stringify(type ?? null)}`,
			);
		}
		const length = characterCount(type);
		if (length < 1 || length > 200)
			validator.fail(
				`"Events (JSON)" event ${index + 1}: type must be 1–200 characters, got ${length}`,
			);
		const timestamp = event.timestamp === undefined ? now : Number(event.timestamp);
		if (!Number.isFinite(timestamp))
			validator.fail(
				`"Events (JSON)" event ${index + 1}: timestamp must be a number of epoch seconds`,
			);
		return { type, timestamp, payload: event.payload ?? {} };
	});
	// Answered with 202 and no body.
	await client.call('POST', `/structure-runs/${runId}/events`, {
		body: { events: body },
		itemIndex,
		expect: nothing('the acceptance of the events'),
		unclear:
			"The events may have been added: look at the run's events (Event > Get Many) before sending them again.",
	});
	return { accepted: true, structure_run_id: decodeURIComponent(runId), count: body.length };
}
