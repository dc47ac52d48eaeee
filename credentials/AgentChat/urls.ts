import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/**
 * Where an agent chat app's parts live. In the Grit One SDK, login is at the site's root
 * (`grit/core/urls.py` includes `grit.auth.urls` at `auth/`), while the agent API
 * (`grit.agent.urls`) is wherever the deployment mounts it: the SDK's own chat page calls
 * `/agent/api/...`.
 */
export interface AgentChatUrls {
	/** The site: `<site>/auth/login/` is the login page. */
	site: string;
	/** The agent API: `<api>/api/threads/...`. */
	api: string;
}

export const DEFAULT_API_PATH = '/agent';

function trimUrl(value: unknown): string {
	return String(value ?? '')
		.trim()
		.replace(/\/+$/, '');
}

/** `agent`, `/agent/` and `/agent` all become `/agent`; empty (or `/`) is the site's root. */
export function normaliseApiPath(value: unknown): string {
	const path = String(value ?? '')
		.trim()
		.replace(/^\/+|\/+$/g, '');
	return path ? `/${path}` : '';
}

/**
 * The URLs of a credential. Credentials saved before the Site URL field existed hold one Base
 * URL, which was the API's (it included the mount prefix, e.g. `https://chat.example.com/agent`):
 * their site is that URL without the API path at its end, so they keep working on the SDK's
 * layout without being edited.
 */
export function agentChatUrls(credentials: ICredentialDataDecryptedObject): AgentChatUrls {
	const apiPath = normaliseApiPath(credentials.apiPath ?? DEFAULT_API_PATH);
	const site = trimUrl(credentials.siteUrl);
	if (site) return { site, api: `${site}${apiPath}` };
	const legacy = trimUrl(credentials.baseUrl);
	if (apiPath && legacy.endsWith(apiPath))
		return { site: legacy.slice(0, -apiPath.length), api: legacy };
	return { site: legacy, api: legacy };
}

/**
 * The same API URL as an n8n expression, for the credential's declarative test request (which
 * cannot call code). Kept in step with `agentChatUrls` by the tests.
 */
export const API_URL_EXPRESSION =
	'={{ ($credentials.siteUrl || "").trim() ' +
	'? $credentials.siteUrl.trim().replace(/\\/+$/, "") + ("/" + String($credentials.apiPath === undefined || $credentials.apiPath === null ? "/agent" : $credentials.apiPath).trim().replace(/^\\/+|\\/+$/g, "")).replace(/\\/$/, "") ' +
	': String($credentials.baseUrl || "").trim().replace(/\\/+$/, "") }}';
