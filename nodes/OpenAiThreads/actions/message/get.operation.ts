import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { pathId } from '../../../shared/parameters';
import type { OpenAiThreadsClient } from '../../transport';
import { threadIdField } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['message'], operation: ['get'] } }, [
	threadIdField,
	{ displayName: 'Message ID', name: 'messageId', type: 'string', default: '', required: true },
]);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: OpenAiThreadsClient) {
	const threadId = pathId(this, 'threadId', 'Thread ID', itemIndex);
	const messageId = pathId(this, 'messageId', 'Message ID', itemIndex);
	return await client.call('GET', `/threads/${threadId}/messages/${messageId}`, { itemIndex });
}
