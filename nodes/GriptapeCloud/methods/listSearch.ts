import type {
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { shorten } from '../../../credentials/shared/text';
import { listSearchClient } from '../../shared/client-factory';
import { matchesFilter, resourceLocator } from '../../shared/descriptions';
import { GRIPTAPE_CLIENT } from '../transport';

const client = async (context: ILoadOptionsFunctions) =>
	await listSearchClient(context, GRIPTAPE_CLIENT);

export const assistantLocator = resourceLocator({
	displayName: 'Assistant',
	name: 'assistantId',
	searchListMethod: 'searchAssistants',
	placeholder: 'e.g. a1b2c3d4-… (a UUID)',
});

export const threadLocator = resourceLocator({
	displayName: 'Thread',
	name: 'threadId',
	searchListMethod: 'searchThreads',
	placeholder: 'e.g. c3d4e5f6-… (a UUID)',
});

export const assistantRunLocator = resourceLocator({
	displayName: 'Assistant Run',
	name: 'assistantRunId',
	searchListMethod: 'searchAssistantRuns',
	placeholder: 'e.g. e5f6a7b8-… (a UUID)',
	description: 'The run, from the recent runs of your assistants, or by ID',
});

const pageOf = (token?: string) => Math.max(1, Number(token ?? 1) || 1);

const tokenOf = (next?: number) => (next === undefined ? undefined : String(next));

/** Assistants for the resource locator, one API page per list page. */
export async function searchAssistants(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = await (
		await client(this)
	).page('/assistants', 'assistants', {}, pageOf(paginationToken), 100);
	return {
		results: page.items
			.filter((assistant) => matchesFilter(filter, assistant.name, assistant.assistant_id))
			.map((assistant) => ({
				name: String(assistant.name ?? assistant.assistant_id),
				value: String(assistant.assistant_id),
				description: assistant.description ? String(assistant.description) : undefined,
			})),
		paginationToken: tokenOf(page.next),
	};
}

/** Threads, newest first, by name (their alias, when set, is searched too). */
export async function searchThreads(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = await (
		await client(this)
	).page('/threads', 'threads', {}, pageOf(paginationToken), 100);
	return {
		results: page.items
			.filter((thread) => matchesFilter(filter, thread.name, thread.alias, thread.thread_id))
			.map((thread) => ({
				name: String(thread.name || thread.thread_id),
				value: String(thread.thread_id),
				description:
					[
						thread.alias ? `Alias ${String(thread.alias)}` : '',
						thread.created_at ? `created ${String(thread.created_at)}` : '',
					]
						.filter(Boolean)
						.join(', ') || undefined,
			})),
		paginationToken: tokenOf(page.next),
	};
}

/** How many assistants one list page covers, and how many recent runs of each it shows. */
const ASSISTANTS_PER_PAGE = 10;
const RUNS_PER_ASSISTANT = 20;

/**
 * Assistant runs. The API lists runs per assistant only, so one list page covers a page of
 * assistants with the most recent runs of each, newest first; the next page moves on to the
 * next assistants. Each run is named by its input and status, described by its assistant.
 */
export async function searchAssistantRuns(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const api = await client(this);
	const assistants = await api.page(
		'/assistants',
		'assistants',
		{},
		pageOf(paginationToken),
		ASSISTANTS_PER_PAGE,
	);
	const listed = await Promise.all(
		assistants.items.map(async (assistant) => {
			const runs = await api.page(
				`/assistants/${encodeURIComponent(String(assistant.assistant_id))}/runs`,
				'assistant_runs',
				{},
				1,
				RUNS_PER_ASSISTANT,
			);
			return runs.items.map((run) => ({
				run,
				assistantName: String(assistant.name ?? assistant.assistant_id),
			}));
		}),
	);
	const results: INodeListSearchItems[] = listed
		.flat()
		.filter(({ run, assistantName }) =>
			matchesFilter(filter, run.input, run.status, run.assistant_run_id, assistantName),
		)
		.sort((a, b) => String(b.run.created_at ?? '').localeCompare(String(a.run.created_at ?? '')))
		.map(({ run, assistantName }) => ({
			name: `${shorten(String(run.input ?? ''), 60) || String(run.assistant_run_id)} (${String(run.status)})`,
			value: String(run.assistant_run_id),
			description: `${assistantName}, created ${String(run.created_at)}`,
		}));
	return { results, paginationToken: tokenOf(assistants.next) };
}
