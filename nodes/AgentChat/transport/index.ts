import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import type { RequestContext, RetrySettings, ServiceDefinition } from '../../shared/request';
import { ApiClient, retrySettingsFrom } from '../../shared/request';
import type { ByteStream } from '../../shared/streams';

export const AGENT_CHAT_CREDENTIAL = 'agentChatApi';

/** Django answers `{detail}` (REST framework) or `{error}` (the app's own views). */
export const AGENT_CHAT_SERVICE: ServiceDefinition = {
	name: 'Agent Chat',
	credentialType: AGENT_CHAT_CREDENTIAL,
	hints: {},
	// Not logged in reads 403 in Django REST framework (the docs say 401): both mean "log in
	// again", which n8n does through the credential before one more try.
	reauthenticateOn: [401, 403],
};

export class AgentChatClient {
	readonly api: ApiClient;

	readonly baseUrl: string;

	constructor(context: RequestContext, baseUrl: string, retry: Partial<RetrySettings> = {}) {
		this.api = new ApiClient(context, AGENT_CHAT_SERVICE, retry);
		this.baseUrl = String(baseUrl ?? '').trim().replace(/\/+$/, '');
	}

	async call<T = IDataObject>(
		method: IHttpRequestMethods,
		path: string,
		options: { body?: IDataObject; itemIndex?: number } = {},
	): Promise<T> {
		const response = await this.api.request<T>({ method, url: `${this.baseUrl}${path}`, ...options });
		return response.body;
	}

	/**
	 * The reply endpoints stream raw text. Posting a message starts an answer, so it is never
	 * sent twice (the shared client retries a POST only when it was certainly not processed).
	 */
	async stream(path: string, body: IDataObject | Buffer, itemIndex: number, headers: IDataObject = {}): Promise<ByteStream> {
		const response = await this.api.request<ByteStream>({
			method: 'POST',
			url: `${this.baseUrl}${path}`,
			body,
			headers: { Accept: 'text/event-stream', ...headers },
			responseType: 'stream',
			itemIndex,
		});
		return response.body;
	}
}

export async function createAgentChatClient(this: IExecuteFunctions): Promise<AgentChatClient> {
	const credentials = await this.getCredentials(AGENT_CHAT_CREDENTIAL);
	const options = this.getNodeParameter('requestOptions', 0, {}) as IDataObject;
	const retry = retrySettingsFrom(options);
	return new AgentChatClient(this, String(credentials.baseUrl), retry);
}
