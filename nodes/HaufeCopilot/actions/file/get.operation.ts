import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import type { HaufeClient } from '../../transport';
import { fileIdField, fileSegment } from './fields';

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['get'] } },
	[fileIdField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	return await client.call('GET', `/files/${fileSegment(this, itemIndex)}`, {
		itemIndex,
		expect: object('the file'),
	});
}
