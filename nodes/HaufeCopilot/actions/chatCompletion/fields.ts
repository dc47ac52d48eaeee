import type { INodeProperties } from 'n8n-workflow';

import {
	compactOutputField,
	fromAi,
	nodeAndTool,
	QUESTION_KEY,
	toolDescriptionField,
	toolOnly,
} from '../../../shared/tool';
import {
	additionalBodyField,
	assistantLocator,
	includeRequestField,
	licenceField,
	userIdField,
} from '../fields';

const messagesField: INodeProperties = {
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
};

export const TOOL_DESCRIPTION =
	'Asks the Haufe Copilot assistant one question, without a stored conversation, and returns its answer with the sources it is based on (document title and section). Pass the question in full, with everything the assistant needs to know: it does not see earlier calls.';

export const chatFields: INodeProperties[] = [
	assistantLocator,
	...nodeAndTool(messagesField, {
		default: {},
		description:
			'Optional messages before the question (a system message, earlier turns); the question from the model follows as the last user message',
	}),
	toolOnly({
		displayName: 'Question',
		name: 'question',
		type: 'string',
		typeOptions: { rows: 3 },
		default: fromAi(
			QUESTION_KEY,
			'The question for the Haufe Copilot assistant, in full sentences, with everything it needs to know',
		),
		required: true,
		description:
			'The question, sent as the last user message; at most 30,000 characters. By default the model that calls the tool fills it in ($fromAI).',
	}),
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
	toolDescriptionField(TOOL_DESCRIPTION),
	compactOutputField(),
];
