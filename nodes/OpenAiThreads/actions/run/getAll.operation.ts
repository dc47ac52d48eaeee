import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { limitField, returnAllField, simplifyField } from '../../../shared/descriptions';
import { simplified } from '../../../shared/output';
import { pathId } from '../../../shared/parameters';
import type { OpenAiThreadsClient } from '../../transport';
import { threadIdField } from '../fields';
import { simplifyRun } from './simplify';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['getAll'] } },
	[threadIdField, returnAllField, limitField, simplifyField],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: OpenAiThreadsClient,
) {
	const runs = await client.paginate(
		`/threads/${pathId(this, 'threadId', 'Thread ID', itemIndex)}/runs`,
		{},
		{
			returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
			limit: this.getNodeParameter('limit', itemIndex, 50) as number,
			itemIndex,
		},
	);
	return simplified(this, itemIndex, runs, simplifyRun);
}
