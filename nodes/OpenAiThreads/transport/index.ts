import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import { collectPages } from '../../shared/pagination';
import type { RequestContext, RetrySettings, ServiceDefinition } from '../../shared/request';
import { ApiClient } from '../../shared/request';
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

export const TERMINAL_RUN_STATUSES = ['completed', 'failed', 'cancelled', 'expired', 'incomplete'];

export interface ListOptions {
	returnAll: boolean;
	limit: number;
	itemIndex?: number;
}

const MAX_PAGE = 100;

export class OpenAiThreadsClient {
	readonly api: ApiClient;

	readonly baseUrl: string;

	constructor(context: RequestContext, baseUrl: string, retry: Partial<RetrySettings> = {}) {
		this.api = new ApiClient(context, OPENAI_THREADS_SERVICE, retry);
		this.baseUrl = String(baseUrl ?? '').trim().replace(/\/+$/, '');
	}

	async call<T = IDataObject>(
		method: IHttpRequestMethods,
		path: string,
		options: { qs?: IDataObject; body?: IDataObject; itemIndex?: number } = {},
	): Promise<T> {
		const response = await this.api.request<T>({ method, url: `${this.baseUrl}${path}`, ...options });
		return response.body;
	}

	/** `{data, has_more, last_id}` lists, paged with `after`. */
	async paginate(path: string, qs: IDataObject, options: ListOptions): Promise<IDataObject[]> {
		return await collectPages<IDataObject, string>(
			this.api.node,
			async (after, pageSize) => {
				const page = await this.call<IDataObject>('GET', path, {
					qs: { ...qs, limit: pageSize, ...(after ? { after } : {}) },
					itemIndex: options.itemIndex,
				});
				const data = (page.data as IDataObject[]) ?? [];
				const lastId = (page.last_id as string) ?? (data.length ? String(data[data.length - 1].id) : undefined);
				return { items: data, next: page.has_more ? lastId : undefined };
			},
			{ ...options, maxPageSize: MAX_PAGE },
		);
	}

	/** A run request with `stream: true`: the SSE body. */
	async stream(path: string, body: IDataObject, itemIndex: number): Promise<ByteStream> {
		const response = await this.api.request<ByteStream>({
			method: 'POST',
			url: `${this.baseUrl}${path}`,
			body: { ...body, stream: true },
			headers: { Accept: 'text/event-stream' },
			responseType: 'stream',
			itemIndex,
		});
		return response.body;
	}
}

export async function createOpenAiThreadsClient(this: IExecuteFunctions): Promise<OpenAiThreadsClient> {
	const credentials = await this.getCredentials(OPENAI_THREADS_CREDENTIAL);
	const options = this.getNodeParameter('requestOptions', 0, {}) as IDataObject;
	const retry: Partial<RetrySettings> = {};
	if (options.maxRetries !== undefined) retry.maxRetries = Number(options.maxRetries);
	if (options.timeout !== undefined) retry.timeoutMs = Number(options.timeout) * 1000;
	return new OpenAiThreadsClient(this, String(credentials.baseUrl), retry);
}
