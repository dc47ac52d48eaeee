import type { INodeProperties } from 'n8n-workflow';

import { idField } from '../fields';

export const threadIdField = idField('Thread ID', 'threadId');

export const metadataField: INodeProperties = {
	displayName: 'Metadata (JSON)',
	name: 'metadataJson',
	type: 'json',
	default: '{}',
};
