import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { HaufeClient } from '../../transport';
import { assistantLocator } from '../fields';
import { encodeId, locatorId } from '../parameters';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['assistant'], operation: ['get'] } },
	[assistantLocator],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const assistantId = locatorId(this, 'assistantId', itemIndex);
	return await client.call<IDataObject>('GET', `/assistants/${encodeId(assistantId)}`, { itemIndex });
}
