import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { readId, segment } from '../../../shared/parameters';
import type { HaufeClient } from '../../transport';

export const fileIdField: INodeProperties = {
	displayName: 'File ID',
	name: 'fileId',
	type: 'string',
	default: '',
	required: true,
};

export const description = updateDisplayOptions({ show: { resource: ['file'], operation: ['get'] } }, [fileIdField]);

/** The File ID as one checked path segment. */
export function fileSegment(context: IExecuteFunctions, itemIndex: number): string {
	return segment(context.getNode(), itemIndex, readId(context, 'fileId', itemIndex, 'File ID'), 'File ID');
}

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	return await client.call('GET', `/files/${fileSegment(this, itemIndex)}`, { itemIndex, expect: object('the file') });
}
