import type { INodeProperties } from 'n8n-workflow';

import { resourceLocator } from '../../shared/descriptions';

export const threadLocator = resourceLocator({
	displayName: 'Thread',
	name: 'threadId',
	searchListMethod: 'searchThreads',
	placeholder: '550e8400-e29b-41d4-a716-446655440000',
});

export const modelLocator = resourceLocator({
	displayName: 'Model',
	name: 'modelId',
	searchListMethod: 'searchModels',
	placeholder: '123e4567-e89b-12d3-a456-426614174000',
	required: false,
	description:
		'The agent to answer. Empty asks the app for its default model. A thread that already ran keeps its own agent, and an upload gives the thread the app\'s first agent: the app then ignores this.',
});

/** Send and Upload: into an existing thread, or a new one created first. */
export const threadChoiceFields: INodeProperties[] = [
	{
		displayName: 'Thread',
		name: 'threadMode',
		type: 'options',
		options: [
			{ name: 'New Thread', value: 'new' },
			{ name: 'Existing Thread', value: 'existing' },
		],
		default: 'new',
	},
	{ ...threadLocator, displayOptions: { show: { threadMode: ['existing'] } } },
];

