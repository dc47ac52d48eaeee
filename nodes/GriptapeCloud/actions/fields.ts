import type { INodeProperties } from 'n8n-workflow';

export const assistantLocator: INodeProperties = {
	displayName: 'Assistant',
	name: 'assistantId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchAssistants', searchable: true },
		},
		{
			displayName: 'ID',
			name: 'id',
			type: 'string',
			placeholder: 'a1b2c3d4-0000-4000-8000-000000000000',
		},
	],
};

export function idField(displayName: string, name: string, description?: string): INodeProperties {
	return { displayName, name, type: 'string', default: '', required: true, ...(description ? { description } : {}) };
}

export { limitField, returnAllField } from '../../shared/descriptions';

import { requestOptionsField as sharedRequestOptions } from '../../shared/descriptions';

export const requestOptionsField = sharedRequestOptions();
