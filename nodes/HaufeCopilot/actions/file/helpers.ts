import type { IDataObject } from 'n8n-workflow';

import type { ResponseContract } from '../../../shared/contracts';
import { object } from '../../../shared/contracts';

/** A processing status: the docs spell its field two ways (and `status` is accepted too). */
export const STATUS_CONTRACT: ResponseContract = object('the processing status', {
	'processing_status|processingStatus|status': 'string',
});

/** The docs spell the status field two ways. */
export function processingStatus(status: IDataObject): string {
	return String(
		status.processing_status ?? status.processingStatus ?? status.status ?? '',
	).toUpperCase();
}
