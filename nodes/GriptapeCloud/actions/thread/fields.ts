import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { Validator } from '../../../shared/validation';
import { threadLocator } from '../fields';

export const threadIdField = threadLocator;

export const metadataField: INodeProperties = {
	displayName: 'Metadata (JSON)',
	name: 'metadataJson',
	type: 'json',
	default: '{}',
};

/**
 * Messages (JSON) as the API document types them: objects with string `input` and `output`
 * (serialised artifacts) and optionally an object `metadata`. Checked before sending.
 */
export function checkMessages(
	validator: Validator,
	messages: IDataObject[],
	field = 'Messages (JSON)',
): IDataObject[] {
	messages.forEach((message, index) => {
		for (const key of ['input', 'output']) {
			if (typeof message?.[key] !== 'string') {
				validator.fail(
					`"${field}" message ${index + 1} needs "${key}" as a string (a serialised artifact)`,
					'Each message is {"input": <artifact as a JSON string>, "output": <artifact as a JSON string>, "metadata": {...}}.',
				);
			}
		}
		const metadata = message.metadata;
		if (
			metadata !== undefined &&
			(typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
		) {
			validator.fail(`"${field}" message ${index + 1}: "metadata" must be an object`);
		}
	});
	return messages;
}
