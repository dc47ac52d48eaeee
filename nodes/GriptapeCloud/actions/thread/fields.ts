import type { INodeProperties } from 'n8n-workflow';

import { threadLocator } from '../fields';

export const threadIdField = threadLocator;

export const metadataField: INodeProperties = {
	displayName: 'Metadata (JSON)',
	name: 'metadataJson',
	type: 'json',
	default: '{}',
};
