import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/** The session as kept in the credential's hidden, expirable field. */
interface Session {
	sessionid: string;
	csrftoken: string;
}

function baseUrlOf(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
}

function addPair(cookies: Record<string, string>, pair: string) {
	const index = pair.indexOf('=');
	if (index > 0) cookies[pair.slice(0, index).trim()] = pair.slice(index + 1).trim();
}

/** The cookies set by Set-Cookie headers: each line's first `name=value`, before its attributes. */
function readSetCookies(headers: unknown): Record<string, string> {
	const cookies: Record<string, string> = {};
	const lines = Array.isArray(headers) ? headers : headers ? [headers] : [];
	for (const line of lines) addPair(cookies, String(line).split(';')[0]);
	return cookies;
}

/** The cookies of a Cookie header as a browser sends it: `a=1; b=2`. */
function readCookieHeader(header: string): Record<string, string> {
	const cookies: Record<string, string> = {};
	for (const pair of header.split(';')) addPair(cookies, pair);
	return cookies;
}

interface FullResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

/**
 * Logs in like a browser: the login page sets the `csrftoken` cookie, the form POST with that
 * token answers 302 and sets `sessionid`. Every failure names its cause without echoing the
 * password.
 */
async function logIn(helper: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<Session> {
	const loginUrl = `${baseUrlOf(credentials)}/auth/login/`;
	const page = (await helper.helpers.httpRequest({
		method: 'GET',
		url: loginUrl,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	})) as FullResponse;
	if (page.statusCode >= 400) {
		throw new Error(`The login page ${loginUrl} answered ${page.statusCode}: check the base URL (including any prefix such as /agent)`);
	}
	const { csrftoken } = readSetCookies(page.headers['set-cookie']);
	if (!csrftoken) throw new Error(`The login page ${loginUrl} set no csrftoken cookie: check the base URL`);

	const form = new URLSearchParams({
		email: String(credentials.email ?? ''),
		password: String(credentials.password ?? ''),
		csrfmiddlewaretoken: csrftoken,
	});
	const answer = (await helper.helpers.httpRequest({
		method: 'POST',
		url: loginUrl,
		body: form.toString(),
		headers: {
			'Content-Type': 'application/x-www-form-urlencoded',
			Cookie: `csrftoken=${csrftoken}`,
			Referer: loginUrl,
		},
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
	})) as FullResponse;
	const cookies = readSetCookies(answer.headers['set-cookie']);
	const location = String(answer.headers.location ?? '');
	if (answer.statusCode >= 300 && answer.statusCode < 400 && cookies.sessionid) {
		return { sessionid: cookies.sessionid, csrftoken: cookies.csrftoken ?? csrftoken };
	}
	if (/mfa|otp|two.?factor|verify/i.test(location)) {
		throw new Error('This account requires multi-factor authentication: log in in a browser and paste the session cookie instead');
	}
	if (answer.statusCode === 403) throw new Error('The login was refused by the CSRF check (403): check the base URL');
	throw new Error('The e-mail or password was not accepted');
}

/** A pasted cookie: `sessionid=…; csrftoken=…`, or the bare session ID. */
async function pastedSession(helper: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<Session> {
	const text = String(credentials.sessionCookieToken ?? '').trim();
	const cookies = text.includes('=') ? readCookieHeader(text) : { sessionid: text };
	if (!cookies.sessionid) throw new Error('The session cookie holds no sessionid');
	if (cookies.csrftoken) return { sessionid: cookies.sessionid, csrftoken: cookies.csrftoken };
	// Django hands out a CSRF token with any page it renders.
	const page = (await helper.helpers.httpRequest({
		method: 'GET',
		url: `${baseUrlOf(credentials)}/auth/login/`,
		headers: { Cookie: `sessionid=${cookies.sessionid}` },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
	})) as FullResponse;
	const { csrftoken } = readSetCookies(page.headers['set-cookie']);
	if (!csrftoken) throw new Error('No CSRF token could be obtained: paste the cookie with its csrftoken too');
	return { sessionid: cookies.sessionid, csrftoken };
}

export class AgentChatApi implements ICredentialType {
	name = 'agentChatApi';

	displayName = 'Agent Chat API';

	icon: Icon = { light: 'file:../icons/agentchat.svg', dark: 'file:../icons/agentchat.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-assistant-threads/n8n-nodes-assistant-threads#credential-agent-chat-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://chat.example.com/agent',
			description: 'Where the agent chat app is served, including any mount prefix such as /agent',
		},
		{
			displayName: 'Authentication',
			name: 'authMethod',
			type: 'options',
			options: [
				{ name: 'E-Mail and Password', value: 'password', description: 'Log in like the browser, and again when the session expires' },
				{ name: 'Session Cookie', value: 'sessionCookie', description: 'Paste the cookie of a logged-in browser (for accounts with MFA)' },
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
			// Filled by the login below; n8n keeps it and asks for a new one when it expires.
			displayName: 'Session',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const session =
			credentials.authMethod === 'sessionCookie' ? await pastedSession(this, credentials) : await logIn(this, credentials);
		return { sessionToken: JSON.stringify(session) };
	}

	/**
	 * Django wants both cookies on every request and, on unsafe methods, the CSRF token in
	 * X-CSRFToken with a Referer of the same site.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		let session: Partial<Session> = {};
		try {
			session = JSON.parse(String(credentials.sessionToken || '{}')) as Session;
		} catch {
			session = {};
		}
		const headers: IDataObject = { ...(requestOptions.headers ?? {}) };
		headers.Cookie = `sessionid=${session.sessionid ?? ''}; csrftoken=${session.csrftoken ?? ''}`;
		const method = String(requestOptions.method ?? 'GET').toUpperCase();
		if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) {
			headers['X-CSRFToken'] = session.csrftoken ?? '';
			headers.Referer = `${baseUrlOf(credentials)}/`;
		}
		return { ...requestOptions, headers };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/auth/is-authenticated/',
			method: 'POST',
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'is_authenticated',
					value: false,
					message: 'Logged in, but the session is not accepted: check the base URL and its prefix',
				},
			},
		],
	};
}
