import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { stream } from '../../shared/contracts';
import type { RequestContext, RetrySettings, ServiceDefinition } from '../../shared/request';
import { retrySettingsFrom } from '../../shared/request';
import { ServiceClient } from '../../shared/service-client';
import type { ByteStream } from '../../shared/streams';

export const AGENT_CHAT_CREDENTIAL = 'agentChatApi';

/** Django answers `{detail}` (REST framework) or `{error}` (the app's own views). */
export const AGENT_CHAT_SERVICE: ServiceDefinition = {
	name: 'Agent Chat',
	credentialType: AGENT_CHAT_CREDENTIAL,
	hints: {
		session_expired:
			'The session has expired (or was logged out) and logging in again did not help. With "Session Cookie", paste the cookie of a browser that is logged in now; with "E-Mail and Password", check that this account can still log in.',
	},
	// Not logged in reads 403 in Django REST framework (the docs say 401): both mean "log in
	// again", which n8n does through the credential before one more try.
	reauthenticateOn: [401, 403],
	// Still not logged in after that: the session expired (a CSRF failure reads differently).
	classify: (status, info) =>
		(status === 401 || status === 403) && /credentials were not provided|not authenticated|session/i.test(info.detail)
			? 'session_expired'
			: undefined,
};

export class AgentChatClient extends ServiceClient {
	constructor(context: RequestContext, baseUrl: string, retry: Partial<RetrySettings> = {}) {
		super(context, AGENT_CHAT_SERVICE, baseUrl, retry);
	}

	/**
	 * The reply endpoints stream raw text. Posting a message starts an answer, so it is never
	 * sent twice (the shared client retries a POST only when it was certainly not processed).
	 */
	async stream(path: string, body: IDataObject | Buffer, itemIndex: number, headers: IDataObject = {}, unclear = ''): Promise<ByteStream> {
		return await this.openStream('POST', path, {
			body,
			headers: { Accept: 'text/event-stream', ...headers },
			itemIndex,
			// Raw text without framing: only a page is recognisably not a reply.
			expect: stream('the reply'),
			unclear,
		});
	}
}

export async function createAgentChatClient(this: IExecuteFunctions): Promise<AgentChatClient> {
	const credentials = await this.getCredentials(AGENT_CHAT_CREDENTIAL);
	const options = this.getNodeParameter('requestOptions', 0, {}) as IDataObject;
	const retry = retrySettingsFrom(options, this.logger);
	return new AgentChatClient(this, String(credentials.baseUrl), retry);
}
