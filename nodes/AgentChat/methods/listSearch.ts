import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listIn } from '../../shared/contracts';
import { matchesFilter } from '../../shared/descriptions';
import { listModels } from '../actions/model/helpers';
import { AGENT_CHAT_CREDENTIAL, AgentChatClient } from '../transport';
import { agentChatUrls } from '../../../credentials/AgentChat/urls';

async function client(context: ILoadOptionsFunctions): Promise<AgentChatClient> {
	const credentials = await context.getCredentials(AGENT_CHAT_CREDENTIAL);
	return new AgentChatClient(context, agentChatUrls(credentials).api, { maxRetries: 1, timeoutMs: 20_000 });
}

export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const models = await listModels(await client(this));
	return {
		results: models
			.filter((model) => matchesFilter(filter, model.label, model.id))
			.map((model) => ({ name: String(model.label), value: String(model.id), description: model.description as string })),
	};
}

export async function searchThreads(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const list = await (await client(this)).call<IDataObject>('POST', '/api/threads/list', {
		idempotent: true,
		expect: listIn('memories', 'the list of threads'),
	});
	return {
		results: (list.memories as IDataObject[])
			.filter((thread) => matchesFilter(filter, thread.title, thread.id))
			.map((thread) => ({ name: String(thread.title || thread.id), value: String(thread.id) })),
	};
}
