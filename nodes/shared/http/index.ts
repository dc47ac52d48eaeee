/** The request core: every HTTP call of every node goes through `ApiClient` (client.ts). */
export { ApiClient } from './client';
export { headerValue, parseRetryAfter } from './headers';
export type { Headers } from './headers';
export { backoffDelay, decide, DEFAULT_RETRY, onlyReads, retrySettingsFrom } from './policy';
export type { Attempt, Decision, Outcome, PolicySettings, RetrySettings } from './policy';
export type {
	ApiRequest,
	ApiResponse,
	RenewedAuth,
	RequestContext,
	ResponseType,
	ServiceDefinition,
} from './types';
