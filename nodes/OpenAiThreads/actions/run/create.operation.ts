import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { simplifyField } from '../../../shared/descriptions';
import { simplified } from '../../../shared/output';
import { pathId, readId } from '../../../shared/parameters';
import type { OpenAiThreadsClient } from '../../transport';
import { assistantLocator, threadIdField } from '../fields';
import { runBody, runOptionsField } from './fields';
import { startRun, waitFields } from './follow';
import { simplifyRun } from './simplify';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['create'] } },
	[threadIdField, assistantLocator, ...waitFields, simplifyField, runOptionsField],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: OpenAiThreadsClient,
) {
	const threadId = pathId(this, 'threadId', 'Thread ID', itemIndex);
	const assistantId = readId(this, 'assistantId', itemIndex, 'Assistant');
	const body = runBody(this, itemIndex, { assistant_id: assistantId }, 'createRun');
	const run = await startRun.call(this, client, itemIndex, `/threads/${threadId}/runs`, body);
	return simplified(this, itemIndex, run, simplifyRun);
}
