import type { IDataObject } from 'n8n-workflow';

import type { ClientRecipe } from '../../shared/client-factory';
import type { ResponseContract } from '../../shared/contracts';
import { listIn, object, stream } from '../../shared/contracts';
import type { RequestContext, RetrySettings, ServiceDefinition } from '../../shared/http';
import { collectPages } from '../../shared/pagination';
import type { RunStatuses } from '../../shared/run-wait';
import { ServiceClient } from '../../shared/service-client';
import type { ByteStream } from '../../shared/streams';

export const OPENAI_THREADS_CREDENTIAL = 'openAiThreadsApi';

export const OPENAI_THREADS_SERVICE: ServiceDefinition = {
	name: 'Assistants API',
	credentialType: OPENAI_THREADS_CREDENTIAL,
	hints: {
		invalid_api_key: 'The API key was rejected: check the key in the credential.',
		invalid_request_error: 'The request was rejected: check the fields named in the message.',
		rate_limit_exceeded: 'The rate limit was reached and the retries ran out: retry later.',
		server_error: 'The server failed: retry later.',
	},
};

/**
 * A run's statuses: `incomplete` ended early (a token limit) but has an answer to read;
 * `requires_action` waits for tool outputs from the workflow.
 */
export const RUN_STATUSES: RunStatuses = {
	active: ['queued', 'in_progress', 'cancelling'],
	succeeded: ['completed', 'incomplete'],
	failed: ['failed', 'cancelled', 'expired'],
	paused: ['requires_action'],
};

/** A run as the operations read it: its ID and thread (for the next request) and its status. */
export const RUN_CONTRACT: ResponseContract = object('the run', {
	id: 'id',
	thread_id: 'id',
	status: 'string',
});

export interface ListOptions {
	returnAll: boolean;
	limit: number;
	itemIndex?: number;
	deadline?: number;
}

const MAX_PAGE = 100;

export class OpenAiThreadsClient extends ServiceClient {
	constructor(context: RequestContext, baseUrl: string, retry: Partial<RetrySettings> = {}) {
		super(context, OPENAI_THREADS_SERVICE, baseUrl, retry);
	}

	/**
	 * `{data, first_id, last_id, has_more}` lists. Paging goes forward with `after`, or, when
	 * the list is anchored with `before`, backward with `before` (each page then holds the items
	 * just before the anchor); the result keeps the requested order either way.
	 */
	async paginate(path: string, qs: IDataObject, options: ListOptions): Promise<IDataObject[]> {
		const backward = Boolean(qs.before) && !qs.after;
		const cursorKey = backward ? 'before' : 'after';
		const items = await collectPages<IDataObject, string>(
			this.api.node,
			async (cursor, pageSize) => {
				const page = await this.call<IDataObject>('GET', path, {
					qs: { ...qs, limit: pageSize, ...(cursor ? { [cursorKey]: cursor } : {}) },
					itemIndex: options.itemIndex,
					expect: listIn('data', 'a page of a list'),
					deadline: options.deadline,
				});
				const data = page.data as IDataObject[];
				const edge = backward
					? (page.first_id ?? data[0]?.id)
					: (page.last_id ?? data[data.length - 1]?.id);
				// Backward pages arrive nearest first: reversed here and once more at the end.
				return {
					items: backward ? [...data].reverse() : data,
					next: page.has_more && edge ? String(edge) : undefined,
				};
			},
			{ ...options, maxPageSize: MAX_PAGE },
		);
		return backward ? items.reverse() : items;
	}

	/** A run request with `stream: true`: the SSE body. */
	async stream(
		path: string,
		body: IDataObject,
		itemIndex: number,
		unclear: string,
	): Promise<ByteStream> {
		return await this.openStream('POST', path, {
			body: { ...body, stream: true },
			headers: { Accept: 'text/event-stream' },
			itemIndex,
			expect: stream('a run event stream'),
			unclear,
		});
	}
}

export const OPENAI_THREADS_CLIENT: ClientRecipe<OpenAiThreadsClient> = {
	credentialType: OPENAI_THREADS_CREDENTIAL,
	build: (context, credentials, retry) =>
		new OpenAiThreadsClient(context, String(credentials.baseUrl), retry),
};
