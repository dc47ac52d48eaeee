import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import type { GriptapeCredentials } from '../transport';
import { GRIPTAPE_CREDENTIAL, GriptapeClient } from '../transport';

/** Assistants for the resource locator, one API page per list page. */
export async function searchAssistants(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const credentials = (await this.getCredentials(GRIPTAPE_CREDENTIAL)) as unknown as GriptapeCredentials;
	// Lists in the editor should answer fast or fail: no long retry loops.
	const client = new GriptapeClient(this, credentials, { maxRetries: 1, timeoutMs: 20_000 });
	const page = Number(paginationToken ?? 1);
	const response = await client.call<IDataObject>('GET', '/assistants', { qs: { page, page_size: 100 } });
	const needle = (filter ?? '').toLowerCase();
	const assistants = ((response.assistants as IDataObject[]) ?? []).filter(
		(assistant) => !needle || `${String(assistant.name)} ${String(assistant.assistant_id)}`.toLowerCase().includes(needle),
	);
	const pagination = (response.pagination as IDataObject) ?? {};
	return {
		results: assistants.map((assistant) => ({
			name: String(assistant.name ?? assistant.assistant_id),
			value: String(assistant.assistant_id),
			description: assistant.description ? String(assistant.description) : undefined,
		})),
		paginationToken: pagination.next_page ? String(pagination.next_page) : undefined,
	};
}
