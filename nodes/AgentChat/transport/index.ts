import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { startSession, withSession } from '../../../credentials/AgentChat/session';
import { agentChatUrls } from '../../../credentials/AgentChat/urls';
import type { ClientRecipe } from '../../shared/client-factory';
import { object, stream } from '../../shared/contracts';
import { failureError } from '../../shared/errors';
import type { RequestContext, RetrySettings, ServiceDefinition } from '../../shared/http';
import { ServiceClient } from '../../shared/service-client';
import type { ByteStream } from '../../shared/streams';

export const AGENT_CHAT_CREDENTIAL = 'agentChatApi';

/**
 * The app's views are Django REST framework views whose only renderer is JSON: a request that
 * accepts nothing but `text/event-stream` is refused with 406 before the view runs. `*\/*` lets
 * the negotiation pass; the view then streams anyway.
 */
export const STREAM_ACCEPT = 'text/event-stream, */*';

/**
 * Django answers `{detail}` (REST framework: login, CSRF, negotiation) or `{error}` (the app's
 * own views), never with a code; `codeFor` names the answers the app is known to give, so
 * that each gets its advice.
 */
export const AGENT_CHAT_SERVICE: ServiceDefinition = {
	name: 'Agent Chat',
	credentialType: AGENT_CHAT_CREDENTIAL,
	hints: {
		session_expired:
			'The session has expired (or was logged out) and logging in again did not help. With "Session Cookie", paste the cookie of a browser that is logged in now; with "E-Mail and Password", check that this account can still log in, and that Site URL and Agent API Path in the credential belong to the same app.',
		csrf_failed:
			"The app's CSRF check refused the request: the Site URL in the credential must be the address the app is served at, as browsers see it.",
		unknown_model:
			"This Model ID is not an agent of this app: pick one from the list (Model › Get Many), or leave Model empty for the app's default.",
		invalid_uuid: "The app's thread and model IDs are UUIDs: check the ID.",
		thread_not_found:
			'Nothing is stored under this thread ID: the app stores a thread with its first message (or upload).',
		no_default_model:
			"The app's default configuration names a model that has no agent: pick a Model in the node.",
		not_acceptable: "The app refused the request's Accept header (its API answers JSON only).",
		html_page:
			'The app answered with a web page instead of data. A 404 page means there is nothing at this address: check Site URL and Agent API Path in the credential. A 500 page is a failure inside the app.',
	},
	// Not logged in reads 403 in Django REST framework with session authentication (the docs
	// say 401): both mean "log in again", which n8n does through the credential before one more try.
	reauthenticateOn: [401, 403],
	// n8n before 2.40 does not renew on all of these statuses (see ServiceDefinition.renewSession):
	// log in as the credential's preAuthentication does and authenticate the rest of the
	// requests with that session.
	async renewSession(context) {
		const { getCredentials } = context as Partial<{
			getCredentials(type: string): Promise<ICredentialDataDecryptedObject>;
		}>;
		if (typeof getCredentials !== 'function')
			throw new Error('This context cannot read the credential to log in again');
		const credentials = await getCredentials.call(context, AGENT_CHAT_CREDENTIAL);
		const session = await startSession(
			{ helpers: context.helpers } as IHttpRequestHelper,
			credentials,
		);
		const renewed = { ...credentials, ...session };
		return async (options) => withSession(renewed, options);
	},
	// The app's errors have no codes; these name the ones it is known to give. Still not logged
	// in after logging in again: the session expired (a CSRF failure reads differently).
	classify(status, info) {
		const detail = info.detail;
		if (
			(status === 401 || status === 403) &&
			/credentials were not provided|not authenticated|session/i.test(detail)
		)
			return 'session_expired';
		if (/^CSRF Failed/i.test(detail)) return 'csrf_failed';
		if (/^Agent matching query does not exist/i.test(detail)) return 'unknown_model';
		if (/is not a valid UUID/i.test(detail)) return 'invalid_uuid';
		if (/^Thread not found/i.test(detail)) return 'thread_not_found';
		if (/^No agent found with model_name/i.test(detail)) return 'no_default_model';
		if (status === 406) return 'not_acceptable';
		return undefined;
	},
};

export class AgentChatClient extends ServiceClient {
	private defaultModelRequest?: Promise<string>;

	constructor(context: RequestContext, apiUrl: string, retry: Partial<RetrySettings> = {}) {
		super(context, AGENT_CHAT_SERVICE, apiUrl, retry);
	}

	/**
	 * The answer endpoints stream raw text. Posting a message starts an answer, so it is never
	 * sent twice (the shared client retries a POST only when it was certainly not processed).
	 */
	async stream(
		path: string,
		body: IDataObject | Buffer,
		itemIndex: number,
		headers: IDataObject = {},
		unclear = '',
	): Promise<ByteStream> {
		return await this.openStream('POST', path, {
			body,
			headers: { Accept: STREAM_ACCEPT, ...headers },
			itemIndex,
			// Raw text without framing: only a page is recognisably not an answer.
			expect: stream('the answer'),
			unclear,
		});
	}

	/** A thread's messages, or undefined when nothing is stored under its ID (404). */
	async threadMessages(threadId: string, itemIndex?: number): Promise<IDataObject[] | undefined> {
		const thread = await this.call<IDataObject>('POST', '/api/threads/', {
			body: { thread_id: threadId },
			itemIndex,
			idempotent: true,
			expect: object('the thread', { messages: 'array' }),
		}).catch((error: Error) => error);
		if (thread instanceof NodeApiError && thread.httpCode === '404') return undefined;
		if (thread instanceof Error) throw thread;
		return Array.isArray(thread.messages) ? (thread.messages as IDataObject[]) : [];
	}

	/**
	 * The app's default model (`GET <api>/api/default-config`): a message must name a model
	 * (the app answers 400 "Model ID is required" otherwise), so an empty Model means this one.
	 * Asked once per node run.
	 */
	async defaultModel(itemIndex: number): Promise<string> {
		this.defaultModelRequest ??= this.call<IDataObject>('GET', '/api/default-config', {
			itemIndex,
			expect: object('the default configuration'),
		}).then((config) => {
			const model = String(config.model ?? '').trim();
			if (!model) {
				throw failureError(
					this.api.node,
					'no_default_model',
					"The app's default configuration names no model",
					{
						description: 'Pick a Model in the node.',
						itemIndex,
					},
				);
			}
			return model;
		});
		return await this.defaultModelRequest.catch((error: Error) => {
			this.defaultModelRequest = undefined;
			throw error;
		});
	}
}

export const AGENT_CHAT_CLIENT: ClientRecipe<AgentChatClient> = {
	credentialType: AGENT_CHAT_CREDENTIAL,
	build: (context, credentials, retry) =>
		new AgentChatClient(context, agentChatUrls(credentials).api, retry),
};
