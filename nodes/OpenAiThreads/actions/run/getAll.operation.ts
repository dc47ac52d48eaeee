import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { limitField, returnAllField } from '../../../shared/descriptions';
import { pathId } from '../../../shared/parameters';
import type { OpenAiThreadsClient } from '../../transport';
import { threadIdField } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['run'], operation: ['getAll'] } }, [
	threadIdField,
	returnAllField,
	limitField,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: OpenAiThreadsClient) {
	return await client.paginate(`/threads/${pathId(this, 'threadId', 'Thread ID', itemIndex)}/runs`, {}, {
		returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
		limit: this.getNodeParameter('limit', itemIndex, 50) as number,
		itemIndex,
	});
}
