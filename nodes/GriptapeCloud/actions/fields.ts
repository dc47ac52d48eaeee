import type { INodeProperties } from 'n8n-workflow';

import { requestOptionsField as sharedRequestOptions } from '../../shared/descriptions';
import type { Validator } from '../../shared/validation';

/**
 * The IDs Griptape Cloud's API document types with a pattern: UUIDs of version 4 (the
 * `-4xxx-[89ab]xxx-` form). Checked before sending, so a wrong ID fails naming its field.
 */
const UUID_V4 =
	/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89ab][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

export function checkUuids(validator: Validator, values: unknown, field: string): void {
	const list = Array.isArray(values) ? values : [values];
	const wrong = list.findIndex((value) => typeof value !== 'string' || !UUID_V4.test(value));
	if (wrong >= 0) {
		validator.fail(
			`"${field}" must hold UUIDs (version 4, like 3fa85f64-5717-4562-b3fc-2c963f66afa6); "${String(list[wrong])}" is not one`,
			'Griptape Cloud identifies knowledge bases, rulesets, structures, tools, retrievers and threads by UUID.',
		);
	}
}

// The locators live beside the search methods they list with (the trigger uses them too).
export { assistantLocator, assistantRunLocator, threadLocator } from '../methods/listSearch';

export function idField(displayName: string, name: string, description?: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		default: '',
		required: true,
		...(description ? { description } : {}),
	};
}

export { limitField, returnAllField, simplifyField } from '../../shared/descriptions';

export const requestOptionsField = sharedRequestOptions();
