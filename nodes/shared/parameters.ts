import type { IExecuteFunctions } from 'n8n-workflow';

import { Validator } from './validation';

/**
 * An ID parameter, plain or a resource locator (whichever mode the user picked), trimmed.
 * With a label it is required, and the error names that label.
 */
export function readId(context: IExecuteFunctions, name: string, itemIndex: number, requiredLabel?: string): string {
	const value = String(context.getNodeParameter(name, itemIndex, '', { extractValue: true }) ?? '').trim();
	if (requiredLabel) new Validator(context.getNode(), itemIndex).required(value, requiredLabel);
	return value;
}

/** A required ID, URL-encoded for a path segment. */
export function pathId(context: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	return encodeURIComponent(readId(context, name, itemIndex, label));
}
