import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { HaufeClient } from '../../transport';
import { fileIdField, readFileId } from './get.operation';
import { processingStatus } from './upload.operation';

export const description = updateDisplayOptions({ show: { resource: ['file'], operation: ['getStatus'] } }, [fileIdField]);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const status = await client.call<IDataObject>('GET', `/files/${encodeURIComponent(readFileId(this, itemIndex))}/status`, { itemIndex });
	// One spelling for workflows to rely on, whichever the API used.
	return { ...status, processing_status: processingStatus(status) };
}
