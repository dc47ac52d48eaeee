import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listSearchClient } from '../../shared/client-factory';
import { listIn } from '../../shared/contracts';
import { matchesFilter } from '../../shared/descriptions';
import { listModels } from '../actions/model/helpers';
import { AGENT_CHAT_CLIENT } from '../transport';

const client = async (context: ILoadOptionsFunctions) =>
	await listSearchClient(context, AGENT_CHAT_CLIENT);

export async function searchModels(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const models = await listModels(await client(this));
	return {
		results: models
			.filter((model) => matchesFilter(filter, model.label, model.id))
			.map((model) => ({
				name: String(model.label),
				value: String(model.id),
				description: model.description as string,
			})),
	};
}

export async function searchThreads(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const list = await (
		await client(this)
	).call<IDataObject>('POST', '/api/threads/list', {
		idempotent: true,
		expect: listIn('memories', 'the list of threads'),
	});
	return {
		results: (list.memories as IDataObject[])
			.filter((thread) => matchesFilter(filter, thread.title, thread.id))
			.map((thread) => ({ name: String(thread.title || thread.id), value: String(thread.id) })),
	};
}
