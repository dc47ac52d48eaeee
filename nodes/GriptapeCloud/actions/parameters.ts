import type { IExecuteFunctions } from 'n8n-workflow';

import { Validator } from '../../shared/validation';

/** A required ID parameter (plain or resource locator), trimmed and URL-encoded for a path. */
export function pathId(context: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = String(context.getNodeParameter(name, itemIndex, '', { extractValue: true }) ?? '').trim();
	new Validator(context.getNode(), itemIndex).required(value, label);
	return encodeURIComponent(value);
}

/** A comma-separated list parameter as an array, empty entries dropped. */
export function idList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).map((id) => id.trim()).filter(Boolean);
	return String(value ?? '')
		.split(',')
		.map((id) => id.trim())
		.filter(Boolean);
}
