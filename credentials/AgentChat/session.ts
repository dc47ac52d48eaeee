/**
 * The Agent Chat session login, in one place for the credential (its preAuthentication and
 * authenticate) and the node (which logs in again itself on n8n versions that do not renew a
 * session on every status that means "log in again"). It lives beside the credential, because
 * credentials import nothing from nodes/.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { htmlPageSummary, isHtmlPage } from '../shared/html';
import { isObject } from '../shared/text';
import { agentChatUrls } from './urls';

/** The session as kept in the credential's hidden, expirable field. */
interface Session {
	sessionid: string;
	csrftoken: string;
}

function addPair(cookies: Record<string, string>, pair: string) {
	const index = pair.indexOf('=');
	if (index > 0)
		cookies[pair.slice(0, index).trim()] = pair
			.slice(index + 1)
			.trim()
			.replace(/^"(.*)"$/, '$1');
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

function textOf(body: unknown): string {
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	return body === undefined || body === null ? '' : JSON.stringify(body);
}

/** ` ("<page title>")` for an HTML answer, else the start of the body: for messages. */
function answerNote(body: unknown): string {
	const text = textOf(body).trim();
	if (!text) return '';
	return ` (${isHtmlPage(text) ? `page “${htmlPageSummary(text)}”` : text.slice(0, 200)})`;
}

/** The `detail` or `error` of a JSON answer (Django REST framework, or the app's own views). */
function jsonDetail(body: unknown): string {
	try {
		const parsed = (isObject(body) ? body : JSON.parse(textOf(body))) as IDataObject;
		return String(parsed.detail ?? parsed.error ?? '');
	} catch {
		return '';
	}
}

const SITE_URL_HELP =
	"the Site URL is the address where the login page /auth/login/ is (in the SDK's layout the site's root, without /agent: that goes into Agent API Path)";

const PASTE_COOKIE =
	"log in in a browser, then set Authentication to Session Cookie and paste the browser's sessionid cookie (and csrftoken)";

/**
 * Logs in like a browser (`grit/auth/views.py` `custom_login_view`): the login page sets the
 * `csrftoken` cookie, the form POST with that token answers 302 and sets `sessionid`. What the
 * app answers otherwise is told apart: the form again (200: wrong e-mail or password), a
 * redirect to the MFA page (an account with MFA: that session is not logged in), a redirect
 * back to the login page (its CSRF failure view). Messages never echo the password.
 */
async function logIn(
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<Session> {
	const loginUrl = `${agentChatUrls(credentials).site}/auth/login/`;
	const page = (await helper.helpers.httpRequest({
		method: 'GET',
		url: loginUrl,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	})) as FullResponse;
	if (page.statusCode >= 400) {
		throw new Error(
			`The login page ${loginUrl} answered ${page.statusCode}${answerNote(page.body)}: ${SITE_URL_HELP}`,
		);
	}
	const { csrftoken } = readSetCookies(page.headers['set-cookie']);
	if (!csrftoken)
		throw new Error(
			`${loginUrl} set no csrftoken cookie, so it is not the app's login page: ${SITE_URL_HELP}`,
		);

	// Django accepts the cookie's value as the form token (it also takes the masked form of it).
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
			// Django checks the Referer of HTTPS requests against the site.
			Referer: loginUrl,
		},
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
	})) as FullResponse;
	const cookies = readSetCookies(answer.headers['set-cookie']);
	const location = String(answer.headers.location ?? '');
	const redirected = answer.statusCode >= 300 && answer.statusCode < 400;
	// An account with MFA gets a session too, but one that is not logged in until the code is entered.
	if (redirected && /\/mfa\//i.test(location)) {
		throw new Error(
			`This account uses multi-factor authentication: the app sent the login on to its MFA page (${location}), where a workflow cannot enter the code. Instead, ${PASTE_COOKIE}.`,
		);
	}
	if (redirected && /\/auth\/login\/?(\?|$)/.test(location)) {
		throw new Error(
			"The login was refused by the app's CSRF check (it redirected back to the login page): the Site URL must be the address the app is served at, as browsers see it (Django compares it with the request)",
		);
	}
	if (redirected && cookies.sessionid)
		return { sessionid: cookies.sessionid, csrftoken: cookies.csrftoken ?? csrftoken };
	if (answer.statusCode === 200)
		throw new Error(
			'The e-mail or password was not accepted (the app showed its login form again)',
		);
	throw new Error(
		`The login answered ${answer.statusCode}${location ? ` (redirect to ${location})` : ''}${answerNote(answer.body)} without starting a session`,
	);
}

/**
 * A pasted cookie: `sessionid=…; csrftoken=…`, or the bare session ID. It is checked with the
 * app's `/auth/is-authenticated/` (which answers 403 to a session that is not logged in), so a
 * stale cookie is reported as such rather than as a failed operation.
 */
async function pastedSession(
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<Session> {
	const { site } = agentChatUrls(credentials);
	const text = String(credentials.sessionCookieToken ?? '').trim();
	const cookies = text.includes('=') ? readCookieHeader(text) : { sessionid: text };
	if (!cookies.sessionid) throw new Error('The session cookie holds no sessionid');
	let { csrftoken } = cookies;
	if (!csrftoken) {
		// Django hands out a CSRF token with any page that has a form.
		const page = (await helper.helpers.httpRequest({
			method: 'GET',
			url: `${site}/auth/login/`,
			headers: { Cookie: `sessionid=${cookies.sessionid}` },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
		})) as FullResponse;
		csrftoken = readSetCookies(page.headers['set-cookie']).csrftoken;
		if (!csrftoken) {
			throw new Error(
				`No CSRF token could be obtained from ${site}/auth/login/ (${page.statusCode}): check the Site URL, or paste the cookie with its csrftoken`,
			);
		}
	}
	const session = { sessionid: cookies.sessionid, csrftoken };
	const check = (await helper.helpers.httpRequest({
		method: 'POST',
		url: `${site}/auth/is-authenticated/`,
		headers: { ...sessionHeaders(session, site), Accept: 'application/json' },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
	})) as FullResponse;
	if (check.statusCode === 200) return session;
	const detail = jsonDetail(check.body);
	if (check.statusCode === 403 && /^CSRF Failed/i.test(detail)) {
		throw new Error(
			`The app's CSRF check refused the pasted session (${detail}): paste the csrftoken cookie of the same browser, and check that the Site URL is the address the browser uses`,
		);
	}
	if (check.statusCode === 403) {
		throw new Error(
			`The pasted session cookie is not logged in (expired, logged out, or an MFA login that was not finished): ${PASTE_COOKIE} again`,
		);
	}
	throw new Error(
		`${site}/auth/is-authenticated/ answered ${check.statusCode}${answerNote(check.body)}: ${SITE_URL_HELP}`,
	);
}

/**
 * Django wants both cookies on every request and, on unsafe methods, the CSRF token in
 * X-CSRFToken; over HTTPS also a Referer of the same site.
 */
function sessionHeaders(session: Partial<Session>, site: string, unsafe = true): IDataObject {
	const headers: IDataObject = {
		Cookie: `sessionid=${session.sessionid ?? ''}; csrftoken=${session.csrftoken ?? ''}`,
	};
	if (unsafe) {
		headers['X-CSRFToken'] = session.csrftoken ?? '';
		headers.Referer = `${site}/`;
	}
	return headers;
}

/**
 * The credential's hidden session field, filled by logging in (with e-mail and password) or by
 * checking a pasted cookie.
 */
export async function startSession(
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<{ sessionToken: string }> {
	const session =
		credentials.authMethod === 'sessionCookie'
			? await pastedSession(helper, credentials)
			: await logIn(helper, credentials);
	return { sessionToken: JSON.stringify(session) };
}

/** A request with the session of the credential's hidden field. */
export function withSession(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	let session: Partial<Session> = {};
	try {
		session = JSON.parse(String(credentials.sessionToken || '{}')) as Session;
	} catch {
		session = {};
	}
	const method = String(requestOptions.method ?? 'GET').toUpperCase();
	const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(method);
	const headers: IDataObject = {
		...(requestOptions.headers ?? {}),
		...sessionHeaders(session, agentChatUrls(credentials).site, unsafe),
	};
	return { ...requestOptions, headers };
}
