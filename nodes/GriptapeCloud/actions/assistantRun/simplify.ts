import type { IDataObject } from 'n8n-workflow';

import { pickFields } from '../../../shared/output';
import { artifactText } from '../../transport';

/** What a simplified run keeps, in this order: the answer first, then what identifies and describes the run. */
const RUN_FIELDS = [
	'answer',
	'assistant_run_id',
	'assistant_id',
	'thread_id',
	'status',
	'status_detail',
	'input',
	'created_at',
	'completed_at',
];

/**
 * A run in at most 10 fields. The answer is the waited run's, or the text of a finished run's
 * `output` artifact; a waited run adds how many events it had, or the events themselves when
 * "Include Events" asked for them. Left out: the id lists, args, stream flag, raw output,
 * text chunks and wait figures (Simplify off shows them).
 */
export function simplifyRun(run: IDataObject): IDataObject {
	// A run without a thread has no thread_id at all (the API document has no null there);
	// the simplified run always names it, null then, so workflows read one shape.
	const simplified = pickFields(
		{ ...run, thread_id: run.thread_id ?? null, answer: run.answer ?? artifactText(run.output) },
		RUN_FIELDS,
	);
	if (run.events !== undefined) simplified.events = run.events;
	else if (run.event_count !== undefined) simplified.event_count = run.event_count;
	return simplified;
}
