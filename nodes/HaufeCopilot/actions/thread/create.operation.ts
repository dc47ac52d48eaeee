import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId } from '../../../shared/parameters';
import type { HaufeClient } from '../../transport';
import { assistantLocator, userIdField } from '../fields';
import { createThread } from './helpers';

const properties: INodeProperties[] = [
	assistantLocator,
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		description: 'Shown in thread lists; optional',
	},
	userIdField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['thread'], operation: ['create'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	return await createThread.call(this, client, itemIndex, {
		assistantId: readId(this, 'assistantId', itemIndex, 'Assistant'),
		title: (this.getNodeParameter('title', itemIndex, '') as string).trim(),
		userId: (this.getNodeParameter('userId', itemIndex, '') as string).trim(),
	});
}
