import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listIn } from '../../../shared/contracts';
import { limitField, returnAllField } from '../../../shared/descriptions';
import type { AgentChatClient } from '../../transport';

/** `threads/list` answers the 20 most recently used threads, with no paging (`grit/agent/store.py`). */
export const APP_THREAD_LIST_MAX = 20;

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['getAll'] } },
	[
		{
			displayName:
				'The app lists only your 20 most recently used threads: older threads cannot be listed (use their IDs with Thread › Get)',
			name: 'listNotice',
			type: 'notice',
			default: '',
		},
		{
			...returnAllField,
			description:
				'Whether to return every thread the app lists (at most its 20 most recently used) or only up to a given limit',
		},
		{
			...limitField,
			typeOptions: { minValue: 1, maxValue: APP_THREAD_LIST_MAX },
			default: APP_THREAD_LIST_MAX,
		},
	],
);

/** Node runs that already carry the hint: it is said once, not once per item. */
const hinted = new WeakSet<object>();

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	// One unpaged list, under the name the app uses for threads: "memories".
	const list = await client.call<IDataObject>('POST', '/api/threads/list', {
		itemIndex,
		idempotent: true,
		expect: listIn('memories', 'the list of threads'),
	});
	const threads = (list.memories as IDataObject[]).map((thread) => ({
		thread_id: thread.id,
		title: thread.title,
	}));
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = this.getNodeParameter('limit', itemIndex, APP_THREAD_LIST_MAX) as number;
	if (
		threads.length >= APP_THREAD_LIST_MAX &&
		(returnAll || limit >= APP_THREAD_LIST_MAX) &&
		!hinted.has(this)
	) {
		hinted.add(this);
		this.addExecutionHints({
			message: `The app returned ${threads.length} threads, the most it lists: older threads, if any, are not included (the app has no paging).`,
			type: 'info',
			location: 'outputPane',
		});
	}
	return returnAll ? threads : threads.slice(0, limit);
}
