import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { RateLimiter } from './rate-limiter';
import type { RequestContext, RetrySettings, ServiceDefinition } from './request';
import { ApiClient } from './request';
import type { ByteStream } from './streams';

export interface CallOptions {
	qs?: IDataObject;
	body?: IDataObject | Buffer;
	headers?: IDataObject;
	itemIndex?: number;
	limiter?: RateLimiter;
	retry?: Partial<RetrySettings>;
}

/** One API at one base URL: what every node's transport builds on. */
export class ServiceClient {
	readonly api: ApiClient;

	readonly baseUrl: string;

	constructor(context: RequestContext, service: ServiceDefinition, baseUrl: string, retry: Partial<RetrySettings> = {}) {
		this.api = new ApiClient(context, service, retry);
		this.baseUrl = String(baseUrl ?? '').trim().replace(/\/+$/, '');
	}

	url(path: string): string {
		return `${this.baseUrl}${path}`;
	}

	/** A request whose JSON answer is returned. */
	async call<T = IDataObject>(method: IHttpRequestMethods, path: string, options: CallOptions = {}): Promise<T> {
		return (await this.api.request<T>({ method, url: this.url(path), ...options })).body;
	}

	/** A request whose body is read as it arrives (NDJSON, SSE, raw text). */
	async openStream(method: IHttpRequestMethods, path: string, options: CallOptions = {}): Promise<ByteStream> {
		return (await this.api.request<ByteStream>({ method, url: this.url(path), ...options, responseType: 'stream' })).body;
	}
}
