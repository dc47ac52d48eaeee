import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listIn } from '../../../shared/contracts';
import { collectPages } from '../../../shared/pagination';
import type { HaufeClient } from '../../transport';
import { limitField, returnAllField } from '../fields';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['getAll'] } },
	[returnAllField, limitField],
);

const MAX_FILE_PAGE = 100;

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	// Files page by number (from 1) with a total, unlike threads and messages.
	return await collectPages<IDataObject, number>(
		this.getNode(),
		async (page = 1, pageSize) => {
			// Page numbers count in pages of one size: keep it fixed while paging.
			const response = await client.call<IDataObject>('GET', '/files', {
				qs: { page, limit: MAX_FILE_PAGE },
				itemIndex,
				expect: listIn('files', 'a page of files'),
			});
			const files = response.files as IDataObject[];
			const total = Number(response.total ?? 0);
			const more = page * MAX_FILE_PAGE < total && files.length > 0;
			return { items: files.slice(0, pageSize), next: more ? page + 1 : undefined };
		},
		{
			returnAll: this.getNodeParameter('returnAll', itemIndex, false) as boolean,
			limit: this.getNodeParameter('limit', itemIndex, 50) as number,
			maxPageSize: MAX_FILE_PAGE,
		},
	);
}
