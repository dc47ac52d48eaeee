import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listIn, object } from '../../../shared/contracts';
import { checkId, readId, segment } from '../../../shared/parameters';
import { Validator } from '../../../shared/validation';
import type { HaufeClient } from '../../transport';
import { contentField, MAX_CONTENT_LENGTH, threadLocator } from '../fields';

export const ROLES = ['user', 'system', 'assistant', 'tool'] as const;

const properties: INodeProperties[] = [
	threadLocator,
	{
		displayName: 'Role',
		name: 'role',
		type: 'options',
		options: [
			{ name: 'Assistant', value: 'assistant', description: 'An earlier answer, or a request for a tool call' },
			{ name: 'System', value: 'system', description: 'Instructions; only allowed as the first message of a thread' },
			{ name: 'Tool', value: 'tool', description: 'The result of a tool call requested by an assistant message' },
			{ name: 'User', value: 'user', description: 'A question or statement of the end user' },
		],
		default: 'user',
	},
	contentField,
	{
		displayName: 'Tool Call ID',
		name: 'toolCallId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { role: ['tool'] } },
		description: 'The tool_call_id of the assistant message this tool message answers',
	},
	{
		displayName: 'Tool Call ID',
		name: 'toolCallId',
		type: 'string',
		default: '',
		displayOptions: { show: { role: ['assistant'] } },
		description: 'Set when this assistant message requests a tool call; the tool message must repeat it',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['create'] } }, properties);

/** Posts one message after the checks that need no request; shared with Ask. */
export async function postMessage(
	this: IExecuteFunctions,
	client: HaufeClient,
	itemIndex: number,
	threadId: string,
	message: { role: string; content: string; toolCallId?: string },
): Promise<IDataObject> {
	const validator = new Validator(this.getNode(), itemIndex);
	const thread = segment(this.getNode(), itemIndex, checkId(this.getNode(), itemIndex, threadId, 'Thread'), 'Thread');
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
			validator.fail('A system message must be the first message of a thread, and this thread already has messages', 'Create a new thread and post the system message before anything else.');
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

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const role = this.getNodeParameter('role', itemIndex) as string;
	return await postMessage.call(this, client, itemIndex, readId(this, 'threadId', itemIndex, 'Thread'), {
		role,
		content: this.getNodeParameter('content', itemIndex, '') as string,
		toolCallId:
			role === 'tool' || role === 'assistant'
				? (this.getNodeParameter('toolCallId', itemIndex, '') as string).trim()
				: undefined,
	});
}
