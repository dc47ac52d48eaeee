import type {
	IAuthenticateRuleResponseCode,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { startSession, withSession } from './AgentChat/session';
import { API_URL_EXPRESSION, DEFAULT_API_PATH } from './AgentChat/urls';

/** What the test's answers mean; n8n shows the first rule that matches. */
const TEST_RULES = [
	{
		type: 'responseCode',
		properties: {
			value: 403,
			message:
				'Logged in, but the agent API refused the session (403): check that Site URL and Agent API Path belong to the same app',
		},
	},
	{
		type: 'responseCode',
		properties: {
			value: 404,
			message:
				"Logged in, but there is no agent API under the Agent API Path (404): the SDK's layout uses /agent; leave it empty if the app serves /api/threads/list at the site's root",
		},
	},
	{
		type: 'responseSuccessBody',
		properties: {
			key: 'memories',
			value: undefined,
			message:
				'Logged in, but <Site URL><Agent API Path>/api/threads/list did not answer like the agent API: check the Agent API Path',
		},
	},
	// n8n types the rules as one kind or the other; its tester reads each rule by its type.
] as unknown as IAuthenticateRuleResponseCode[];

export class AgentChatApi implements ICredentialType {
	name = 'agentChatApi';

	displayName = 'Agent Chat API';

	icon: Icon = { light: 'file:../icons/agentchat.svg', dark: 'file:../icons/agentchat.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-assistant-threads/n8n-nodes-assistant-threads/blob/main/docs/agent-chat.md#credential-agent-chat-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Site URL',
			name: 'siteUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://chat.example.com',
			description:
				"The address of the app's site: where its login page /auth/login/ is, without /auth/login/. In the SDK's standard layout this is the site's root.",
		},
		{
			displayName: 'Agent API Path',
			name: 'apiPath',
			type: 'string',
			default: DEFAULT_API_PATH,
			placeholder: "e.g. /agent (empty: the site's root)",
			description:
				"Where the site serves the agent API, as a path after the Site URL. The SDK's chat page calls /agent/api/…, so the standard layout is /agent. Empty if the app answers /api/threads/list at the site's root.",
			hint: 'Site URL + this path + /api/models should be the agent API; Site URL + /auth/login/ the login page',
		},
		{
			displayName: 'Authentication',
			name: 'authMethod',
			type: 'options',
			options: [
				{
					name: 'E-Mail and Password',
					value: 'password',
					description: 'Log in like the browser, and again when the session expires',
				},
				{
					name: 'Session Cookie',
					value: 'sessionCookie',
					description: 'Paste the cookie of a logged-in browser (for accounts with MFA)',
				},
			],
			default: 'password',
		},
		{
			displayName: 'E-Mail',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			displayOptions: { show: { authMethod: ['password'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authMethod: ['password'] } },
		},
		{
			displayName: 'Session Cookie',
			name: 'sessionCookieToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'sessionid=…; csrftoken=…',
			description: 'The sessionid cookie (and, if you have it, csrftoken) of a logged-in browser',
			displayOptions: { show: { authMethod: ['sessionCookie'] } },
		},
		{
			// The one URL of credentials saved before Site URL and Agent API Path existed (see agentChatUrls).
			displayName: 'Base URL (Old)',
			name: 'baseUrl',
			type: 'hidden',
			default: '',
		},
		{
			// Filled by the login below; n8n keeps it and asks for a new one when it expires.
			displayName: 'Session',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await startSession(this, credentials);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return withSession(credentials, requestOptions);
	}

	/**
	 * Logs in (preAuthentication) and lists the threads: a passing test means the login works
	 * and the agent API answers that session, with its CSRF check, at the configured path.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: API_URL_EXPRESSION,
			url: '/api/threads/list',
			method: 'POST',
		},
		rules: TEST_RULES,
	};
}
