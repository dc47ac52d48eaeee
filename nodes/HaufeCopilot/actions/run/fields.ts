import type { INodeProperties } from 'n8n-workflow';

import { additionalBodyField, includeRequestField, licenceField, threadLocator } from '../fields';

/** Run and Run Streamed take the same fields. */
export const runFields: INodeProperties[] = [
	threadLocator,
	licenceField,
	additionalBodyField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [includeRequestField],
	},
];
