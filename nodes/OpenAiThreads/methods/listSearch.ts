import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { OPENAI_THREADS_CREDENTIAL, OpenAiThreadsClient } from '../transport';

export async function searchAssistants(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const credentials = await this.getCredentials(OPENAI_THREADS_CREDENTIAL);
	const client = new OpenAiThreadsClient(this, String(credentials.baseUrl), { maxRetries: 1, timeoutMs: 20_000 });
	const page = await client.call<IDataObject>('GET', '/assistants', {
		qs: { limit: 100, order: 'desc', ...(paginationToken ? { after: paginationToken } : {}) },
	});
	const needle = (filter ?? '').toLowerCase();
	const assistants = ((page.data as IDataObject[]) ?? []).filter(
		(assistant) => !needle || `${String(assistant.name)} ${String(assistant.id)}`.toLowerCase().includes(needle),
	);
	return {
		results: assistants.map((assistant) => ({ name: String(assistant.name ?? assistant.id), value: String(assistant.id) })),
		paginationToken: page.has_more ? String(page.last_id) : undefined,
	};
}
