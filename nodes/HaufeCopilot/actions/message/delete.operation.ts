import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId } from '../../../shared/parameters';
import { Validator } from '../../../shared/validation';
import type { HaufeClient } from '../../transport';
import { threadLocator } from '../fields';

const properties: INodeProperties[] = [
	threadLocator,
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
	},
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['delete'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const threadId = readId(this, 'threadId', itemIndex);
	const messageId = (this.getNodeParameter('messageId', itemIndex, '') as string).trim();
	new Validator(this.getNode(), itemIndex).required(messageId, 'Message ID');
	await client.call('DELETE', `/threads/${encodeURIComponent(threadId)}/messages/${encodeURIComponent(messageId)}`, { itemIndex });
	return { deleted: true, thread_id: threadId, message_id: messageId };
}
