import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { RANGES, rangeText } from './bounds';

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
	typeOptions: { minValue: RANGES.maxRetries.min, maxValue: RANGES.maxRetries.max },
	default: 3,
	description: `How often a request is retried after a rate limit (429, honouring Retry-After) or, for reads, a server or network error (${rangeText(RANGES.maxRetries)}; other values are clamped). Requests that create something or produce an answer are never sent twice.`,
};

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: RANGES.timeoutSeconds.min, maxValue: RANGES.timeoutSeconds.max },
	default: 120,
	description: `How long one request may wait for an answer, and a stream for its next piece, before it fails (${rangeText(RANGES.timeoutSeconds)}; other values, e.g. from an expression, are clamped). A Retry-After longer than this is not waited for.`,
};

/** "Request Options", shown on every operation of a node; `defaults` change the option defaults (e.g. for a trigger). */
export function requestOptionsField(
	extra: INodeProperties[] = [],
	defaults: { timeout?: number; maxRetries?: number } = {},
): INodeProperties {
	const retries = { ...maxRetriesOption, default: defaults.maxRetries ?? maxRetriesOption.default };
	const timeout = { ...timeoutOption, default: defaults.timeout ?? timeoutOption.default };
	return {
		displayName: 'Request Options',
		name: 'requestOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [...extra, retries, timeout].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
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
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				...(field.placeholder ? { placeholder: field.placeholder } : {}),
			},
		],
		...(field.description ? { description: field.description } : {}),
	};
}

/** Whether a list-search entry matches what the user typed (case-insensitive, any of its values). */
export function matchesFilter(filter: string | undefined, ...values: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return values.some((value) =>
		String(value ?? '')
			.toLowerCase()
			.includes(needle),
	);
}

/**
 * The "Simplify" switch of operations whose objects have more than 10 fields, worded and
 * defaulted as n8n's own nodes do. What the simplified object keeps is the operation's choice.
 */
export const simplifyField: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description: 'Whether to return a simplified version of the response instead of the raw data',
};

/**
 * An editor expression that shows a text for the current value of one or more parameters,
 * e.g. `question:ask` → "Ask a question"; unknown values show the last parameter's raw value.
 * The canvas evaluates a node's `subtitle` with `$parameter`; the texts are inlined as JSON.
 */
function lookupExpression(texts: Record<string, string>, parameters: string[]): string {
	const key = parameters.map((name) => `$parameter["${name}"]`).join(' + ":" + ');
	return `={{ (${JSON.stringify(texts)})[${key}] || $parameter["${parameters[parameters.length - 1]}"] }}`;
}

/**
 * The canvas subtitle of a resource/operation node: the chosen operation's action, in words
 * ("Ask a question"), instead of the raw values ("ask: question"). Built from the operation
 * options of each resource's description, so a new operation's action shows up by itself.
 */
export function actionSubtitle(
	resources: Record<string, { description: INodeProperties[] }>,
): string {
	const actions: Record<string, string> = {};
	for (const property of Object.values(resources).flatMap((resource) => resource.description)) {
		if (property.name !== 'operation' || property.type !== 'options') continue;
		const shownFor = (property.displayOptions?.show?.resource ?? []) as string[];
		for (const option of (property.options ?? []) as INodePropertyOptions[]) {
			if (!option.action) continue;
			for (const resource of shownFor)
				actions[`${resource}:${String(option.value)}`] = option.action;
		}
	}
	return lookupExpression(actions, ['resource', 'operation']);
}

/** The canvas subtitle of a node with one choice (e.g. a trigger's event): the chosen option's name. */
export function optionSubtitle(property: INodeProperties): string {
	const names = Object.fromEntries(
		((property.options ?? []) as INodePropertyOptions[]).map((option) => [
			String(option.value),
			option.name,
		]),
	);
	return lookupExpression(names, [property.name]);
}
