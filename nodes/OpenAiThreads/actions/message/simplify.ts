import type { IDataObject } from 'n8n-workflow';

import { pickFields } from '../../../shared/output';

/** The text of a message: its text parts' values, in order (images and other parts are left out). */
export function contentText(message: IDataObject): string {
	return ((message.content as IDataObject[]) ?? [])
		.filter((part) => part.type === 'text')
		.map((part) => String((part.text as IDataObject)?.value ?? ''))
		.join('\n\n');
}

const MESSAGE_FIELDS = [
	'id',
	'role',
	'text',
	'thread_id',
	'run_id',
	'assistant_id',
	'status',
	'created_at',
	'attachments',
	'metadata',
];

/**
 * A message in 10 fields: its content as plain `text` instead of typed parts with annotations;
 * `object`, `incomplete_details`, `completed_at` and `incomplete_at` are left out.
 */
export function simplifyMessage(message: IDataObject): IDataObject {
	return pickFields({ ...message, text: contentText(message) }, MESSAGE_FIELDS);
}
