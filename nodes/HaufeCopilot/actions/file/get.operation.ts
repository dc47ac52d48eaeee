import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { Validator } from '../../../shared/validation';
import type { HaufeClient } from '../../transport';

export const fileIdField: INodeProperties = {
	displayName: 'File ID',
	name: 'fileId',
	type: 'string',
	default: '',
	required: true,
};

export const description = updateDisplayOptions({ show: { resource: ['file'], operation: ['get'] } }, [fileIdField]);

export function readFileId(context: IExecuteFunctions, itemIndex: number): string {
	const fileId = (context.getNodeParameter('fileId', itemIndex, '') as string).trim();
	new Validator(context.getNode(), itemIndex).required(fileId, 'File ID');
	return fileId;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	return await client.call('GET', `/files/${encodeURIComponent(readFileId(this, itemIndex))}`, { itemIndex });
}
