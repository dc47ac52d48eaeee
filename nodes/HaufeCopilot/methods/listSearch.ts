import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listSearchClient } from '../../shared/client-factory';
import { array, listIn } from '../../shared/contracts';
import { matchesFilter } from '../../shared/descriptions';
import { HAUFE_CLIENT } from '../transport';

const client = async (context: ILoadOptionsFunctions) =>
	await listSearchClient(context, HAUFE_CLIENT);

export async function searchAssistants(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const assistants = await (
		await client(this)
	).call<IDataObject[]>('GET', '/assistants', { expect: array('the list of assistants') });
	return {
		results: assistants
			.filter((assistant) => matchesFilter(filter, assistant.name, assistant.id))
			.map((assistant) => ({
				name: String(assistant.name ?? assistant.id),
				value: String(assistant.id),
			})),
	};
}

export async function searchThreads(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = await (
		await client(this)
	).call<{ cursor?: string | null; items: IDataObject[] }>('GET', '/threads', {
		qs: { limit: 100, ...(paginationToken ? { cursor: paginationToken } : {}) },
		expect: listIn('items', 'a page of threads'),
	});
	return {
		results: page.items
			.filter((thread) => matchesFilter(filter, thread.title, thread.id))
			.map((thread) => ({
				name: String(thread.title || thread.id),
				value: String(thread.id),
				description: thread.created_at ? `Created ${String(thread.created_at)}` : undefined,
			})),
		paginationToken: page.cursor || undefined,
	};
}
