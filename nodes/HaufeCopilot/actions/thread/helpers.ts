import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { Validator } from '../../../shared/validation';
import type { HaufeClient } from '../../transport';

/** Creates a thread; shared with Ask, which creates one per question. */
export async function createThread(
	this: IExecuteFunctions,
	client: HaufeClient,
	itemIndex: number,
	fields: { assistantId: string; title?: string; userId?: string },
): Promise<IDataObject> {
	const validator = new Validator(this.getNode(), itemIndex);
	validator.required(fields.assistantId, 'Assistant');
	const userId = fields.userId || String(client.credentials.userId ?? '').trim();
	validator.uuid(userId, 'User ID');
	const body: IDataObject = { assistant_id: fields.assistantId };
	if (fields.title) body.title = fields.title;
	if (userId) body.user_id = userId;
	return await client.call('POST', '/threads', {
		body,
		itemIndex,
		expect: object('the new thread', { id: 'id' }),
		unclear: 'Look for it with Thread > Get Many before creating another one.',
	});
}
