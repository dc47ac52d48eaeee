import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { ResponseContract } from './contracts';
import type { ApiRequest, RequestContext, RetrySettings, ServiceDefinition } from './http';
import { ApiClient } from './http';
import type { RateLimiter } from './rate-limit';
import { accountKey, sharedLimiter } from './rate-limit';
import type { ByteStream } from './streams';

export interface CallOptions {
	qs?: IDataObject;
	body?: IDataObject | Buffer;
	headers?: IDataObject;
	itemIndex?: number;
	limiter?: RateLimiter;
	retry?: Partial<RetrySettings>;
	/** What the operation needs from the answer (contracts.ts): every call states it. */
	expect: ResponseContract;
	/** See ApiRequest: the end of the operation's time, what to check after an unclear failure, ... */
	deadline?: number;
	unclear?: string;
	idempotent?: boolean;
	idleTimeoutMs?: number;
	goneMeansDone?: boolean;
}

/** One API at one base URL: what every node's transport builds on. */
export class ServiceClient {
	readonly api: ApiClient;

	readonly baseUrl: string;

	/**
	 * The API account in this process (accountKey): every limiter of the account, and so its one
	 * delivery clock, is keyed by it.
	 */
	protected readonly account: string;

	/**
	 * The API account's limiter in this process, for requests that name no budget of their own:
	 * with no limits configured it paces by what the server says. A 429's Retry-After and
	 * rate-limit headers announcing an empty budget pause every execution using the account
	 * here, not only the request that was refused (queue-mode workers cannot share memory, so
	 * each process learns this from the server).
	 */
	private readonly accountLimiter: RateLimiter;

	/**
	 * `secret` (the API key, where the credential has one) names the account better than the
	 * credential's ID: two credentials with one key share its budget. Only a hash of it is kept.
	 */
	constructor(
		context: RequestContext,
		service: ServiceDefinition,
		baseUrl: string,
		retry: Partial<RetrySettings> = {},
		secret?: string,
	) {
		this.api = new ApiClient(context, service, retry);
		this.baseUrl = String(baseUrl ?? '')
			.trim()
			.replace(/\/+$/, '');
		this.account = accountKey({
			credentialType: service.credentialType,
			credentialId: context.getNode().credentials?.[service.credentialType]?.id ?? undefined,
			secret,
			baseUrl: this.baseUrl,
		});
		this.accountLimiter = sharedLimiter(this.account, 'server-paced', []);
	}

	url(path: string): string {
		return `${this.baseUrl}${path}`;
	}

	/** The request for a call; transports add their own defaults (e.g. a rate limiter) here. */
	protected requestOf(method: IHttpRequestMethods, path: string, options: CallOptions): ApiRequest {
		return {
			method,
			url: this.url(path),
			...options,
			limiter: options.limiter ?? this.accountLimiter,
		};
	}

	/** A request whose JSON answer is returned, once it is what `expect` asks for. */
	async call<T = IDataObject>(
		method: IHttpRequestMethods,
		path: string,
		options: CallOptions,
	): Promise<T> {
		return (await this.api.request<T>(this.requestOf(method, path, options))).body;
	}

	/**
	 * A DELETE: retried after an unclear failure, and then a 404 means the earlier attempt did
	 * it. Returns the answer's body, or undefined when it was gone already.
	 */
	async delete<T = IDataObject>(path: string, options: CallOptions): Promise<T | undefined> {
		const response = await this.api.request<T>({
			...this.requestOf('DELETE', path, options),
			goneMeansDone: true,
		});
		return response.gone ? undefined : response.body;
	}

	/** A request whose body is read as it arrives (NDJSON, SSE, raw text). */
	async openStream(
		method: IHttpRequestMethods,
		path: string,
		options: CallOptions,
	): Promise<ByteStream> {
		return (
			await this.api.request<ByteStream>({
				...this.requestOf(method, path, options),
				responseType: 'stream',
			})
		).body;
	}
}
