import type { IExecuteFunctions } from 'n8n-workflow';

import { Validator } from '../../shared/validation';

/** A required ID, trimmed, ready for a URL path. */
export function pathId(context: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = String(context.getNodeParameter(name, itemIndex, '', { extractValue: true }) ?? '').trim();
	new Validator(context.getNode(), itemIndex).required(value, label);
	return encodeURIComponent(value);
}
