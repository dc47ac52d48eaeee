import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { simplifyField } from '../../../shared/descriptions';
import { simplified } from '../../../shared/output';
import { readId } from '../../../shared/parameters';
import type { OpenAiThreadsClient } from '../../transport';
import {
	assistantLocator,
	messagesField,
	metadataField,
	threadBody,
	toolResourcesField,
} from '../fields';
import { runBody, threadAndRunOptionsField } from './fields';
import { startRun, waitFields } from './follow';
import { simplifyRun } from './simplify';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['createThreadAndRun'] } },
	[
		assistantLocator,
		messagesField,
		metadataField,
		toolResourcesField,
		...waitFields,
		simplifyField,
		threadAndRunOptionsField,
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: OpenAiThreadsClient,
) {
	const assistantId = readId(this, 'assistantId', itemIndex, 'Assistant');
	const body = runBody(
		this,
		itemIndex,
		{ assistant_id: assistantId, thread: threadBody(this, itemIndex) },
		'createThreadAndRun',
	);
	const run = await startRun.call(this, client, itemIndex, '/threads/runs', body);
	return simplified(this, itemIndex, run, simplifyRun);
}
