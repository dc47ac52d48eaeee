import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

import type { RequestContext, RetrySettings } from './http';
import { retrySettingsFrom } from './http';

/**
 * Every client of every system is made here, for one of three uses: an action node's items
 * (`execute`), the editor's lists (`listSearch`), a trigger's poll (`poll`). Each use has its
 * own retry settings; the system only says how its client is built from the credential.
 */

/** Lists in the editor should answer fast or fail: one retry, 20 s per attempt, no long retry loops. */
export const LIST_SEARCH_RETRY: Partial<RetrySettings> = { maxRetries: 1, timeoutMs: 20_000 };

/**
 * A poll should fail fast against a hung server rather than hold n8n's poll slot for minutes:
 * shorter defaults than an action node's (Request Options, in seconds), and every wait of the
 * poll stays inside its budget.
 */
export const POLL_REQUEST_DEFAULTS = { timeout: 30, maxRetries: 2 };

/** How one system builds its client: from the credential, the retry settings and "Request Options". */
export interface ClientRecipe<Client> {
	credentialType: string;
	build(
		context: RequestContext,
		credentials: ICredentialDataDecryptedObject,
		retry: Partial<RetrySettings>,
		requestOptions: IDataObject,
	): Client;
}

/** Reads the credential and the node's "Request Options" into a client for this execution. */
export async function executeClient<Client>(
	context: IExecuteFunctions,
	recipe: ClientRecipe<Client>,
): Promise<Client> {
	const credentials = await context.getCredentials(recipe.credentialType);
	const options = context.getNodeParameter('requestOptions', 0, {}) as IDataObject;
	return recipe.build(context, credentials, retrySettingsFrom(options, context.logger), options);
}

/** A client for a list in the editor (LIST_SEARCH_RETRY; "Request Options" do not apply). */
export async function listSearchClient<Client>(
	context: ILoadOptionsFunctions,
	recipe: ClientRecipe<Client>,
): Promise<Client> {
	const credentials = await context.getCredentials(recipe.credentialType);
	return recipe.build(context, credentials, LIST_SEARCH_RETRY, {});
}

/** A client for a trigger's poll: POLL_REQUEST_DEFAULTS unless its "Request Options" say otherwise. */
export async function pollClient<Client>(
	context: IPollFunctions,
	recipe: ClientRecipe<Client>,
): Promise<Client> {
	const credentials = await context.getCredentials(recipe.credentialType);
	const options = context.getNodeParameter('requestOptions', {}) as IDataObject;
	const retry: Partial<RetrySettings> = {
		timeoutMs: POLL_REQUEST_DEFAULTS.timeout * 1000,
		maxRetries: POLL_REQUEST_DEFAULTS.maxRetries,
		...retrySettingsFrom(options, context.logger),
	};
	return recipe.build(context, credentials, retry, options);
}
