import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { limitField, returnAllField, simplifyField } from '../../../shared/descriptions';
import { simplified } from '../../../shared/output';
import { pathId } from '../../../shared/parameters';
import type { OpenAiThreadsClient } from '../../transport';
import { threadIdField } from '../fields';
import { simplifyMessage } from './simplify';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['getAll'] } },
	[
		threadIdField,
		returnAllField,
		limitField,
		simplifyField,
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			options: [
				{
					displayName: 'After',
					name: 'after',
					type: 'string',
					default: '',
					description: 'Start after this message ID',
				},
				{
					displayName: 'Before',
					name: 'before',
					type: 'string',
					default: '',
					description: 'Stop before this message ID',
				},
				{
					displayName: 'Order',
					name: 'order',
					type: 'options',
					options: [
						{ name: 'Newest First', value: 'desc' },
						{ name: 'Oldest First', value: 'asc' },
					],
					default: 'desc',
				},
				{
					displayName: 'Run ID',
					name: 'runId',
					type: 'string',
					default: '',
					description: 'Only the messages of this run',
				},
			],
		},
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: OpenAiThreadsClient,
) {
	const threadId = pathId(this, 'threadId', 'Thread ID', itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const qs: IDataObject = { order: options.order ?? 'desc' };
	if (options.before) qs.before = options.before;
	if (options.runId) qs.run_id = options.runId;
	// `after` is where paging starts; later pages continue from each page's last ID.
	const first = options.after ? String(options.after) : undefined;
	const messages = await client.paginate(
		`/threads/${threadId}/messages`,
		{ ...qs, ...(first ? { after: first } : {}) },
		{
			returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
			limit: this.getNodeParameter('limit', itemIndex, 50) as number,
			itemIndex,
		},
	);
	return simplified(this, itemIndex, messages, simplifyMessage);
}
