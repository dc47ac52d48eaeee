import type { INodeProperties } from 'n8n-workflow';

import { resourceLocator, requestOptionsField as sharedRequestOptions } from '../../shared/descriptions';

export const assistantLocator = resourceLocator({
	displayName: 'Assistant',
	name: 'assistantId',
	searchListMethod: 'searchAssistants',
	placeholder: 'a1b2c3d4-0000-4000-8000-000000000000',
});

export function idField(displayName: string, name: string, description?: string): INodeProperties {
	return { displayName, name, type: 'string', default: '', required: true, ...(description ? { description } : {}) };
}

export { limitField, returnAllField } from '../../shared/descriptions';

export const requestOptionsField = sharedRequestOptions();
