import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { pathId } from '../../../shared/parameters';
import type { HaufeClient } from '../../transport';
import { assistantLocator } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['assistant'], operation: ['get'] } },
	[assistantLocator],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const assistantId = pathId(this, 'assistantId', 'Assistant', itemIndex);
	return await client.call<IDataObject>('GET', `/assistants/${assistantId}`, {
		itemIndex,
		expect: object('the assistant', { id: 'id' }),
	});
}
