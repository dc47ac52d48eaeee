import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OpenAiThreadsClient } from '../../transport';
import { runIdField, threadIdField } from '../fields';
import { runPath } from './get.operation';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['run'], operation: ['cancel'] } }, [threadIdField, runIdField]);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: OpenAiThreadsClient) {
	return await client.call('POST', `${runPath(this, itemIndex)}/cancel`, { itemIndex });
}
