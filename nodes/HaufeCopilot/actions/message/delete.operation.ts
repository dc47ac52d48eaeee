import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { nothing } from '../../../shared/contracts';
import { readId, segment } from '../../../shared/parameters';
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

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['delete'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const threadId = readId(this, 'threadId', itemIndex, 'Thread');
	const messageId = readId(this, 'messageId', itemIndex, 'Message ID');
	const node = this.getNode();
	await client.delete(
		`/threads/${segment(node, itemIndex, threadId, 'Thread')}/messages/${segment(node, itemIndex, messageId, 'Message ID')}`,
		{
			itemIndex,
			expect: nothing(),
		},
	);
	return { deleted: true, thread_id: threadId, message_id: messageId };
}
