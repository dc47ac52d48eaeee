import type { INodeProperties } from 'n8n-workflow';

import {
	additionalBodyField,
	assistantLocator,
	includeRequestField,
	licenceField,
	userIdField,
} from '../fields';

export const chatFields: INodeProperties[] = [
	assistantLocator,
	{
		displayName: 'Messages',
		name: 'messages',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add message',
		default: { values: [{ role: 'user', content: '' }] },
		options: [
			{
				displayName: 'Message',
				name: 'values',
				values: [
					{
						displayName: 'Role',
						name: 'role',
						type: 'options',
						options: [
							{ name: 'Assistant', value: 'assistant' },
							{ name: 'System', value: 'system' },
							{ name: 'User', value: 'user' },
						],
						default: 'user',
					},
					{
						displayName: 'Content',
						name: 'content',
						type: 'string',
						typeOptions: { rows: 3 },
						default: '',
						description: 'At most 30,000 characters',
					},
				],
			},
		],
		description: "The conversation to answer; the last message is usually the user's question",
	},
	{
		displayName: 'Thread ID',
		name: 'threadId',
		type: 'string',
		default: '',
		description: 'Optional: store the exchange in this thread',
	},
	userIdField,
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
