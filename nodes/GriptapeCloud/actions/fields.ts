import type { INodeProperties } from 'n8n-workflow';

import { resourceLocator, requestOptionsField as sharedRequestOptions } from '../../shared/descriptions';

export const assistantLocator = resourceLocator({
	displayName: 'Assistant',
	name: 'assistantId',
	searchListMethod: 'searchAssistants',
	placeholder: 'a1b2c3d4-0000-4000-8000-000000000000',
});

export const threadLocator = resourceLocator({
	displayName: 'Thread',
	name: 'threadId',
	searchListMethod: 'searchThreads',
	placeholder: 'c3d4e5f6-0000-4000-8000-000000000000',
});

export const assistantRunLocator = resourceLocator({
	displayName: 'Assistant Run',
	name: 'assistantRunId',
	searchListMethod: 'searchAssistantRuns',
	placeholder: 'e5f6a7b8-0000-4000-8000-000000000000',
	description: 'The run, from the recent runs of your assistants, or by ID',
});

export function idField(displayName: string, name: string, description?: string): INodeProperties {
	return { displayName, name, type: 'string', default: '', required: true, ...(description ? { description } : {}) };
}

export { limitField, returnAllField, simplifyField } from '../../shared/descriptions';

export const requestOptionsField = sharedRequestOptions();
