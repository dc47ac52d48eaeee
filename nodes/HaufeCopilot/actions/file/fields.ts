import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readId, segment } from '../../../shared/parameters';

export const fileIdField: INodeProperties = {
	displayName: 'File ID',
	name: 'fileId',
	type: 'string',
	default: '',
	required: true,
};

/** The File ID as one checked path segment. */
export function fileSegment(context: IExecuteFunctions, itemIndex: number): string {
	return segment(
		context.getNode(),
		itemIndex,
		readId(context, 'fileId', itemIndex, 'File ID'),
		'File ID',
	);
}
