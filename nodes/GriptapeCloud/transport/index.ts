import type { IDataObject } from 'n8n-workflow';

import type { ClientRecipe } from '../../shared/client-factory';
import type { ResponseContract } from '../../shared/contracts';
import { listIn, object, stream } from '../../shared/contracts';
import type { RequestContext, RetrySettings, ServiceDefinition } from '../../shared/http';
import { collectPages } from '../../shared/pagination';
import type { RunStatuses } from '../../shared/run-wait';
import { terminalStatuses } from '../../shared/run-wait';
import { ServiceClient } from '../../shared/service-client';
import type { ByteStream } from '../../shared/streams';

export const GRIPTAPE_CREDENTIAL = 'griptapeCloudApi';

/** Griptape answers errors as `{type, errors}`; the type names what went wrong. */
export const GRIPTAPE_SERVICE: ServiceDefinition = {
	name: 'Griptape Cloud',
	credentialType: GRIPTAPE_CREDENTIAL,
	hints: {
		Unauthorized: 'The API key was rejected: check the key in the Griptape Cloud credential.',
		Forbidden: "The key may not do this: check the key's organisation and permissions.",
		NotFound: 'Nothing was found at this ID: check that it exists in this organisation.',
		Conflict:
			'The request conflicts with the current state (for example, cancelling a finished run).',
		BadRequest: 'The request was rejected: check the fields of this operation.',
		ValidationError: 'A field has a wrong value: check the fields named in the message.',
		InternalServerError: 'Griptape Cloud failed on its side: retry later.',
	},
};

/** An assistant run's statuses; a failed run may send no finish event, so its status tells. */
export const RUN_STATUSES: RunStatuses = {
	active: ['QUEUED', 'STARTING', 'RUNNING'],
	succeeded: ['SUCCEEDED'],
	failed: ['FAILED', 'ERROR', 'CANCELLED'],
};
export const TERMINAL_STATUSES = terminalStatuses(RUN_STATUSES);
export const ACTIVE_STATUSES = [...(RUN_STATUSES.active ?? [])];
/** Every status, in the order a run goes through them. */
export const ALL_RUN_STATUSES = [...ACTIVE_STATUSES, ...TERMINAL_STATUSES];

/** The type of an event: top-level, or inside the payload for older events. */
export function eventType(event: IDataObject): string {
	return String(event.type ?? (event.payload as IDataObject | undefined)?.type ?? '');
}

/** An assistant run is done when the assistant's own FinishStructureRunEvent arrives. */
export function isAssistantFinish(event: IDataObject): boolean {
	return (
		eventType(event) === 'FinishStructureRunEvent' &&
		String(event.origin ?? 'ASSISTANT').toUpperCase() === 'ASSISTANT'
	);
}

export interface GriptapeCredentials {
	apiKey: string;
	baseUrl: string;
}

/** A run as the operations read it: its ID and status. */
export const RUN_CONTRACT: ResponseContract = object('the run', {
	assistant_run_id: 'id',
	status: 'string',
});

export interface EventPage extends IDataObject {
	events: IDataObject[];
	count: number;
	next_offset: number;
	total_count: number;
}

/** Whose events: an assistant run's, or a structure run's. */
export type EventSource = 'assistantRun' | 'structureRun';

const MAX_PAGE_SIZE = 100;
const MAX_EVENT_PAGE = 100;

export class GriptapeClient extends ServiceClient {
	constructor(
		context: RequestContext,
		credentials: GriptapeCredentials,
		retry: Partial<RetrySettings> = {},
	) {
		super(context, GRIPTAPE_SERVICE, credentials.baseUrl || 'https://cloud.griptape.ai/api', retry);
	}

	/** One page of a page-numbered list: `{<key>: [...], pagination: {next_page?, total_pages}}`, pages from 1. */
	async page(
		path: string,
		key: string,
		qs: IDataObject,
		page: number,
		pageSize: number,
		itemIndex?: number,
		deadline?: number,
	): Promise<{ items: IDataObject[]; next?: number }> {
		const response = await this.call<IDataObject>('GET', path, {
			qs: { ...qs, page, page_size: pageSize },
			itemIndex,
			expect: listIn(key, `a page of ${key}`),
			deadline,
		});
		const items = response[key] as IDataObject[];
		const pagination = (response.pagination as IDataObject) ?? {};
		const next =
			pagination.next_page ??
			(Number(pagination.page_number ?? page) < Number(pagination.total_pages ?? 0)
				? page + 1
				: undefined);
		return { items, next: next === undefined || next === null ? undefined : Number(next) };
	}

	/** A whole page-numbered list, or up to a limit. */
	async paginate(
		path: string,
		key: string,
		qs: IDataObject,
		options: { returnAll: boolean; limit: number; itemIndex?: number; deadline?: number },
	): Promise<IDataObject[]> {
		// Page numbers count in pages of one size, so the size stays fixed while paging.
		const pageSize = options.returnAll
			? MAX_PAGE_SIZE
			: Math.min(MAX_PAGE_SIZE, Math.max(1, options.limit));
		return await collectPages<IDataObject, number>(
			this.api.node,
			async (page = 1) =>
				await this.page(path, key, qs, page, pageSize, options.itemIndex, options.deadline),
			{ ...options, maxPageSize: pageSize },
		);
	}

	/** `id` must be checked already (an operation's input) or come from the API (a contract's ID). */
	eventsPath(source: EventSource, id: string): string {
		const base = source === 'assistantRun' ? 'assistant-runs' : 'structure-runs';
		return `/${base}/${encodeURIComponent(id)}/events`;
	}

	/** One page of events from `offset`; `next_offset` is where the following poll starts. */
	async listEvents(
		source: EventSource,
		id: string,
		offset: number,
		limit = MAX_EVENT_PAGE,
		itemIndex?: number,
		deadline?: number,
	): Promise<EventPage> {
		const page = await this.call<EventPage>('GET', this.eventsPath(source, id), {
			qs: { offset, limit: Math.min(limit, MAX_EVENT_PAGE) },
			itemIndex,
			expect: listIn('events', 'a page of events'),
			deadline,
		});
		const events = page.events;
		return {
			...page,
			events,
			count: Number(page.count ?? events.length),
			// Clients poll by passing offset = next_offset, falling back to what was read.
			next_offset: Number(page.next_offset ?? offset + events.length),
			total_count: Number(page.total_count ?? offset + events.length),
		};
	}

	/**
	 * The SSE stream of a run's events: the server closes it when the run is over. It may be
	 * silent for `idleTimeoutMs` at the most, and must have started by `deadline`.
	 */
	async streamEvents(
		source: EventSource,
		id: string,
		itemIndex: number | undefined,
		idleTimeoutMs: number,
		deadline?: number,
	): Promise<ByteStream> {
		return await this.openStream('GET', `${this.eventsPath(source, id)}/stream`, {
			headers: { Accept: 'text/event-stream' },
			itemIndex,
			idleTimeoutMs,
			deadline,
			expect: stream('an event stream'),
		});
	}
}

export const GRIPTAPE_CLIENT: ClientRecipe<GriptapeClient> = {
	credentialType: GRIPTAPE_CREDENTIAL,
	build: (context, credentials, retry) =>
		new GriptapeClient(context, credentials as unknown as GriptapeCredentials, retry),
};

/** A finished run's `output` is a serialised artifact, sometimes as a JSON string. */
export function artifactText(output: unknown): string | undefined {
	let value = output;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			return value as string;
		}
	}
	if (value && typeof value === 'object' && 'value' in (value as IDataObject)) {
		const inner = (value as IDataObject).value;
		return typeof inner === 'string' ? inner : JSON.stringify(inner);
	}
	return undefined;
}
