import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { simplifyField } from '../../../shared/descriptions';
import { simplified } from '../../../shared/output';
import { pathId } from '../../../shared/parameters';
import type { OpenAiThreadsClient } from '../../transport';
import { threadIdField } from '../fields';
import { simplifyMessage } from './simplify';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['get'] } },
	[
		threadIdField,
		{ displayName: 'Message ID', name: 'messageId', type: 'string', default: '', required: true },
		simplifyField,
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: OpenAiThreadsClient,
) {
	const threadId = pathId(this, 'threadId', 'Thread ID', itemIndex);
	const messageId = pathId(this, 'messageId', 'Message ID', itemIndex);
	const message = await client.call<IDataObject>(
		'GET',
		`/threads/${threadId}/messages/${messageId}`,
		{
			itemIndex,
			expect: object('the message', { id: 'id' }),
		},
	);
	return simplified(this, itemIndex, message, simplifyMessage);
}
