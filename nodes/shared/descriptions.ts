import type { INodeProperties } from 'n8n-workflow';

/** Fields every node shares. Operations add their own displayOptions. */

export const returnAllField: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitField: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};

export const maxRetriesOption: INodeProperties = {
	displayName: 'Max Retries',
	name: 'maxRetries',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 10 },
	default: 3,
	description:
		'How often a request is retried after a rate limit (429, honouring Retry-After) or, for reads, a server or network error. Requests that create something or produce an answer are never sent twice.',
};

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 120,
	description: 'How long one request may take before it fails',
};

/** "Request Options", shown on every operation of a node. */
export function requestOptionsField(extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Request Options',
		name: 'requestOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [...extra, maxRetriesOption, timeoutOption].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** A resource locator: pick from a searchable list (the node's list search method) or paste an ID. */
export function resourceLocator(field: {
	displayName: string;
	name: string;
	searchListMethod: string;
	placeholder?: string;
	required?: boolean;
	description?: string;
}): INodeProperties {
	return {
		displayName: field.displayName,
		name: field.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: field.required ?? true,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: field.searchListMethod, searchable: true },
			},
			{ displayName: 'ID', name: 'id', type: 'string', ...(field.placeholder ? { placeholder: field.placeholder } : {}) },
		],
		...(field.description ? { description: field.description } : {}),
	};
}

/** Whether a list-search entry matches what the user typed (case-insensitive, any of its values). */
export function matchesFilter(filter: string | undefined, ...values: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return values.some((value) => String(value ?? '').toLowerCase().includes(needle));
}
