import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { ClientRecipe } from '../../shared/client-factory';
import { listIn, object, stream } from '../../shared/contracts';
import type {
	ApiRequest,
	RequestContext,
	RetrySettings,
	ServiceDefinition,
} from '../../shared/http';
import { collectPages } from '../../shared/pagination';
import type { RateLimiter } from '../../shared/rate-limit';
import { sharedLimiter } from '../../shared/rate-limit';
import type { RunStatuses } from '../../shared/run-wait';
import type { CallOptions as ServiceCallOptions } from '../../shared/service-client';
import { ServiceClient } from '../../shared/service-client';
import type { ByteStream } from '../../shared/streams';

export const HAUFE_CREDENTIAL = 'haufeCopilotApi';

/** What to do about each documented error code (api-notes section 1). */
export const HAUFE_SERVICE: ServiceDefinition = {
	name: 'Haufe Copilot',
	credentialType: HAUFE_CREDENTIAL,
	hints: {
		bad_request: 'The API rejected the request: check the thread state and the fields sent.',
		content_filter_error: 'The content was blocked by the content filter: rephrase the question.',
		length_finish_reason_error: 'The answer hit the length limit: ask a narrower question.',
		unauthorized: 'The API key was rejected: check the key in the Haufe Copilot credential.',
		permission_denied: 'The key may not use this resource: ask your Haufe contact for access.',
		assistant_not_available:
			'This assistant is not enabled for your tenant: pick another one or ask your Haufe contact.',
		thread_not_found:
			'No such thread (or it was deleted): check the thread ID or create a new thread.',
		assistant_not_found: 'No such assistant: pick one from the list.',
		message_not_found: 'No such message in this thread: check the message ID.',
		file_not_found: 'No such file: check the file ID.',
		conflict_error: 'The request conflicts with the thread state: fetch the thread and retry.',
		unprocessable_entity: 'A field has a wrong value: check the fields named in the message.',
		validation_error: 'A field has a wrong value: check the fields named in the message.',
		request_metadata_missing_or_incomplete:
			'The assistant needs more meta_data (usually meta_data.user_data.licence): set Licence ID on the node or Default Licence ID in the credential.',
		rate_limit_error:
			'The rate limit was reached and the retries ran out: lower the concurrency or the request rate, or retry later.',
		rate_limit_gateway:
			'The gateway rate limit was reached and the retries ran out: lower the concurrency or retry later.',
		api_timeout_error: 'The language model timed out: retry later; the question was not answered.',
		api_connection_error: 'The service could not reach its language model: retry later.',
		api_error: 'The service failed: retry later.',
		internal_service_error: 'A service behind the API is unavailable: retry later.',
		internal_server_error:
			'The service failed: retry later; if it persists, contact Haufe support.',
		engine_does_not_support_streaming:
			'This assistant cannot stream: use the Run operation (or turn streaming off).',
		thread_is_deactivated: 'The thread was deactivated: create a new thread.',
		incorrect_stack_ending:
			'The thread must end on a user message (or a tool message) to be run: add the question first.',
		attachment_not_unique:
			'A thread holds at most one attachment: use a new thread for another file.',
	},
};

/** A file's processing statuses after upload (the docs name no others that end it). */
export const FILE_STATUSES: RunStatuses = {
	succeeded: ['PROCESSED'],
	failed: ['FAILED', 'ERROR'],
};

export interface HaufeCredentials {
	apiKey: string;
	baseUrl: string;
	licenceId?: string;
	userId?: string;
}

export interface HaufeLimits {
	answerPerSecond: number;
	answerPerMinute: number;
	generalPerSecond: number;
	generalPerMinute: number;
}

/** The lowest documented tier: answers 15/s and 60/min; everything else 60/s and 180/min. */
export const DEFAULT_LIMITS: HaufeLimits = {
	answerPerSecond: 15,
	answerPerMinute: 60,
	generalPerSecond: 60,
	generalPerMinute: 180,
};

/** The API's default and largest page. */
const MAX_PAGE_SIZE = 100;

export interface CallOptions extends Omit<ServiceCallOptions, 'limiter'> {
	/** Counts against the answer budget (run, run stream, chat completions). */
	answer?: boolean;
}

/** The Haufe Copilot API: its base URL, its two rate-limit budgets, and the shared client. */
export class HaufeClient extends ServiceClient {
	private readonly answerLimiter: RateLimiter;

	private readonly generalLimiter: RateLimiter;

	/**
	 * The assistants this client read, by ID. A client lives for one execution of the node, so
	 * each assistant is read once per execution however many items use it, and a changed
	 * assistant is seen by the next execution. A failed read is kept too: every item gets its error.
	 */
	private readonly assistants = new Map<string, Promise<IDataObject>>();

	constructor(
		context: RequestContext,
		readonly credentials: HaufeCredentials,
		retry: Partial<RetrySettings> = {},
		limits: HaufeLimits = DEFAULT_LIMITS,
	) {
		super(
			context,
			HAUFE_SERVICE,
			credentials.baseUrl || 'https://api.haufe.ai/agents/v1',
			retry,
			credentials.apiKey,
		);
		// One budget per API account in the process: every execution and item using this key at
		// this base URL shares these two limiters (the account key holds a hash of the API key).
		this.answerLimiter = sharedLimiter(this.account, 'answer', [
			{ limit: limits.answerPerSecond, windowMs: 1000 },
			{ limit: limits.answerPerMinute, windowMs: 60_000 },
		]);
		// Threads and messages are answered at once: their round trips measure the delivery delay.
		this.generalLimiter = sharedLimiter(
			this.account,
			'general',
			[
				{ limit: limits.generalPerSecond, windowMs: 1000 },
				{ limit: limits.generalPerMinute, windowMs: 60_000 },
			],
			{ measuresDelivery: true },
		);
	}

	async call<T = IDataObject>(
		method: IHttpRequestMethods,
		path: string,
		options: CallOptions,
	): Promise<T> {
		return await super.call<T>(method, path, options);
	}

	/** Every request counts against one of the two budgets: answers, or everything else. */
	protected requestOf(method: IHttpRequestMethods, path: string, options: CallOptions): ApiRequest {
		const { answer, ...rest } = options;
		return super.requestOf(method, path, {
			...rest,
			limiter: answer ? this.answerLimiter : this.generalLimiter,
		});
	}

	/** `GET /assistants/{id}`, once per client (see `assistants`); items running at once share the request. */
	async assistant(assistantId: string, itemIndex: number): Promise<IDataObject> {
		let read = this.assistants.get(assistantId);
		if (!read) {
			read = this.call<IDataObject>('GET', `/assistants/${encodeURIComponent(assistantId)}`, {
				itemIndex,
				expect: object('the assistant', { id: 'id' }),
			});
			this.assistants.set(assistantId, read);
		}
		return await read;
	}

	/** Follows `{cursor, items}` pages (threads, messages); an empty cursor marks the last page. */
	async paginate(
		path: string,
		qs: IDataObject,
		options: { returnAll: boolean; limit: number; itemIndex?: number },
	): Promise<IDataObject[]> {
		return await collectPages<IDataObject, string>(
			this.api.node,
			async (cursor, pageSize) => {
				const page = await this.call<{ cursor?: string | null; items: IDataObject[] }>(
					'GET',
					path,
					{
						qs: { ...qs, limit: pageSize, ...(cursor ? { cursor } : {}) },
						itemIndex: options.itemIndex,
						expect: listIn('items', 'a page of items'),
					},
				);
				return { items: page.items, next: page.cursor || undefined };
			},
			{ ...options, maxPageSize: MAX_PAGE_SIZE },
		);
	}

	/** An answer endpoint that replies with NDJSON: returns the open body stream. */
	async stream(path: string, options: Omit<CallOptions, 'expect'>): Promise<ByteStream> {
		return await this.openStream('POST', path, {
			...options,
			headers: { Accept: 'application/x-ndjson', ...options.headers },
			answer: true,
			expect: stream('an NDJSON answer stream'),
		} as CallOptions);
	}
}

/** The rate limits "Request Options" set (the lowest documented tier where they set none). */
function limitsFrom(options: IDataObject): HaufeLimits {
	return {
		...DEFAULT_LIMITS,
		...(options.answerRequestsPerSecond !== undefined && {
			answerPerSecond: Number(options.answerRequestsPerSecond),
		}),
		...(options.answerRequestsPerMinute !== undefined && {
			answerPerMinute: Number(options.answerRequestsPerMinute),
		}),
		...(options.otherRequestsPerSecond !== undefined && {
			generalPerSecond: Number(options.otherRequestsPerSecond),
		}),
		...(options.otherRequestsPerMinute !== undefined && {
			generalPerMinute: Number(options.otherRequestsPerMinute),
		}),
	};
}

export const HAUFE_CLIENT: ClientRecipe<HaufeClient> = {
	credentialType: HAUFE_CREDENTIAL,
	build: (context, credentials, retry, options) =>
		new HaufeClient(
			context,
			credentials as unknown as HaufeCredentials,
			retry,
			limitsFrom(options),
		),
};
