import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { listSearchClient } from '../../shared/client-factory';
import { listIn } from '../../shared/contracts';
import { matchesFilter } from '../../shared/descriptions';
import type { OpenAiThreadsClient } from '../transport';
import { OPENAI_THREADS_CLIENT } from '../transport';

const client = async (context: ILoadOptionsFunctions) =>
	await listSearchClient(context, OPENAI_THREADS_CLIENT);

/** One page of a `{data, last_id, has_more}` list, newest first, continuing after the token. */
async function listPage(api: OpenAiThreadsClient, path: string, paginationToken?: string) {
	const page = await api.call<IDataObject>('GET', path, {
		qs: { limit: 100, order: 'desc', ...(paginationToken ? { after: paginationToken } : {}) },
		expect: listIn('data', 'a page of a list'),
	});
	const items = page.data as IDataObject[];
	const last = page.last_id ?? items[items.length - 1]?.id;
	return { items, paginationToken: page.has_more && last ? String(last) : undefined };
}

/** Unix seconds as an ISO date, for list descriptions. */
function isoDate(seconds: unknown): string {
	const value = Number(seconds);
	return Number.isFinite(value) && value > 0
		? new Date(value * 1000).toISOString()
		: String(seconds ?? '');
}

export async function searchAssistants(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = await listPage(await client(this), '/assistants', paginationToken);
	return {
		results: page.items
			.filter((assistant) => matchesFilter(filter, assistant.name, assistant.id))
			.map((assistant) => ({
				name: String(assistant.name ?? assistant.id),
				value: String(assistant.id),
			})),
		paginationToken: page.paginationToken,
	};
}

/**
 * The runs of the thread in the node's Thread ID, newest first. The API lists runs only per
 * thread (and threads not at all), so without a Thread ID there is nothing to list.
 */
export async function searchRuns(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	let threadId = '';
	try {
		threadId = String(this.getNodeParameter('threadId', '') ?? '').trim();
	} catch {
		// An expression that needs input data cannot be resolved in the editor.
	}
	if (!threadId) {
		throw new NodeOperationError(
			this.getNode(),
			'Enter a Thread ID first: runs are listed per thread',
			{
				description:
					'The list shows the runs of the thread in "Thread ID". When the thread ID comes from an expression, give the run by its ID instead.',
			},
		);
	}
	const page = await listPage(
		await client(this),
		`/threads/${encodeURIComponent(threadId)}/runs`,
		paginationToken,
	);
	return {
		results: page.items
			.filter((run) => matchesFilter(filter, run.id, run.status, run.assistant_id))
			.map((run) => ({
				name: `${String(run.id)} (${String(run.status)})`,
				value: String(run.id),
				description: `Assistant ${String(run.assistant_id)}, created ${isoDate(run.created_at)}`,
			})),
		paginationToken: page.paginationToken,
	};
}
