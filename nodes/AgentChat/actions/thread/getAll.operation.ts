import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { limitField, returnAllField } from '../../../shared/descriptions';
import { listIn } from '../../../shared/contracts';
import type { AgentChatClient } from '../../transport';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['thread'], operation: ['getAll'] } }, [
	returnAllField,
	limitField,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	// One unpaged list, under the name the app uses for threads: "memories".
	const list = await client.call<IDataObject>('POST', '/api/threads/list', { itemIndex, idempotent: true, expect: listIn('memories', 'the list of threads') });
	const threads = (list.memories as IDataObject[]).map((thread) => ({ thread_id: thread.id, title: thread.title }));
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	return returnAll ? threads : threads.slice(0, this.getNodeParameter('limit', itemIndex, 50) as number);
}
