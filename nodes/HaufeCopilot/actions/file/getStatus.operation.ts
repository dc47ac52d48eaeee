import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { HaufeClient } from '../../transport';
import { fileIdField, fileSegment } from './fields';
import { processingStatus, STATUS_CONTRACT } from './helpers';

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['getStatus'] } },
	[fileIdField],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const status = await client.call<IDataObject>(
		'GET',
		`/files/${fileSegment(this, itemIndex)}/status`,
		{ itemIndex, expect: STATUS_CONTRACT },
	);
	// One spelling for workflows to rely on, whichever the API used.
	return { ...status, processing_status: processingStatus(status) };
}
