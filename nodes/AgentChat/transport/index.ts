import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { RequestContext, RetrySettings, ServiceDefinition } from '../../shared/request';
import { retrySettingsFrom } from '../../shared/request';
import { ServiceClient } from '../../shared/service-client';
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

export class AgentChatClient extends ServiceClient {
	constructor(context: RequestContext, baseUrl: string, retry: Partial<RetrySettings> = {}) {
		super(context, AGENT_CHAT_SERVICE, baseUrl, retry);
	}

	/**
	 * The reply endpoints stream raw text. Posting a message starts an answer, so it is never
	 * sent twice (the shared client retries a POST only when it was certainly not processed).
	 */
	async stream(path: string, body: IDataObject | Buffer, itemIndex: number, headers: IDataObject = {}): Promise<ByteStream> {
		return await this.openStream('POST', path, { body, headers: { Accept: 'text/event-stream', ...headers }, itemIndex });
	}
}

export async function createAgentChatClient(this: IExecuteFunctions): Promise<AgentChatClient> {
	const credentials = await this.getCredentials(AGENT_CHAT_CREDENTIAL);
	const options = this.getNodeParameter('requestOptions', 0, {}) as IDataObject;
	const retry = retrySettingsFrom(options);
	return new AgentChatClient(this, String(credentials.baseUrl), retry);
}
