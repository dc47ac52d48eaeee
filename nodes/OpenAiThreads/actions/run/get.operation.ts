import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { pathId } from '../../../shared/parameters';
import type { OpenAiThreadsClient } from '../../transport';
import { runIdField, threadIdField } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['run'], operation: ['get'] } }, [threadIdField, runIdField]);

export function runPath(context: IExecuteFunctions, itemIndex: number): string {
	return `/threads/${pathId(context, 'threadId', 'Thread ID', itemIndex)}/runs/${pathId(context, 'runId', 'Run ID', itemIndex)}`;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, client: OpenAiThreadsClient) {
	return await client.call('GET', runPath(this, itemIndex), { itemIndex });
}
