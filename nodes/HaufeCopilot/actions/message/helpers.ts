import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { listIn, object } from '../../../shared/contracts';
import { checkId, segment } from '../../../shared/parameters';
import { Validator } from '../../../shared/validation';
import type { HaufeClient } from '../../transport';
import { MAX_CONTENT_LENGTH } from '../fields';

export const ROLES = ['user', 'system', 'assistant', 'tool'] as const;

/** Posts one message after the checks that need no request; shared with Ask. */
export async function postMessage(
	this: IExecuteFunctions,
	client: HaufeClient,
	itemIndex: number,
	threadId: string,
	message: { role: string; content: string; toolCallId?: string },
): Promise<IDataObject> {
	const validator = new Validator(this.getNode(), itemIndex);
	const thread = segment(
		this.getNode(),
		itemIndex,
		checkId(this.getNode(), itemIndex, threadId, 'Thread'),
		'Thread',
	);
	validator.oneOf(message.role, 'Role', ROLES);
	validator.required(message.content, 'Content');
	validator.maxLength(message.content, 'Content', MAX_CONTENT_LENGTH);
	if (message.role === 'tool') validator.required(message.toolCallId, 'Tool Call ID');
	if (message.role === 'system') {
		// The API allows a system message only first: look before posting, so a misplaced one
		// fails with a clear message instead of an opaque 400 after the fact.
		const page = await client.call<{ items: IDataObject[] }>('GET', `/threads/${thread}/messages`, {
			qs: { limit: 1 },
			itemIndex,
			expect: listIn('items', 'a page of messages'),
		});
		if (page.items.length) {
			validator.fail(
				'A system message must be the first message of a thread, and this thread already has messages',
				'Create a new thread and post the system message before anything else.',
			);
		}
	}
	const body: IDataObject = { role: message.role, content: message.content };
	if (message.toolCallId) body.tool_call_id = message.toolCallId;
	return await client.call('POST', `/threads/${thread}/messages`, {
		body,
		itemIndex,
		expect: object('the new message', { id: 'id' }),
		unclear: `It may have been added to thread ${threadId}: look at the thread's messages (Message > Get Many) before posting it again.`,
	});
}
