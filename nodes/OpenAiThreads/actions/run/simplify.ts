import type { IDataObject } from 'n8n-workflow';

import { pickFields } from '../../../shared/output';

/** What a simplified run keeps, in this order: the answer (or the tool calls to answer) first. */
const RUN_FIELDS = [
	'answer',
	'tool_calls',
	'id',
	'thread_id',
	'assistant_id',
	'status',
	'last_error',
	'model',
	'usage',
	'created_at',
];

/** The tool calls a run that `requires_action` waits for. */
export function pendingToolCalls(run: IDataObject): IDataObject[] | undefined {
	const required = (run.required_action as IDataObject | null | undefined)?.submit_tool_outputs as
		| IDataObject
		| undefined;
	return required ? ((required.tool_calls as IDataObject[]) ?? []) : undefined;
}

/**
 * A run in at most 10 fields: the waited run's answer, the pending tool calls (also of a run
 * read with Get), ids, status, last error, model and token usage. Left out: instructions,
 * tools, the time stamps other than creation, truncation and sampling settings, and the
 * wait figures (Simplify off shows them).
 */
export function simplifyRun(run: IDataObject): IDataObject {
	return pickFields({ ...run, tool_calls: run.tool_calls ?? pendingToolCalls(run) }, RUN_FIELDS);
}
