import type { INodeProperties } from 'n8n-workflow';

import {
	requestOptionsField as requestOptionsField_,
	resourceLocator,
} from '../../shared/descriptions';

/** Fields that several Haufe Copilot operations share. Each operation sets displayOptions. */

export const assistantLocator = resourceLocator({
	displayName: 'Assistant',
	name: 'assistantId',
	searchListMethod: 'searchAssistants',
	placeholder: 'e.g. 3fa85f64-… (a UUID)',
	description: 'The assistant to talk to',
});

export const threadLocator = resourceLocator({
	displayName: 'Thread',
	name: 'threadId',
	searchListMethod: 'searchThreads',
	placeholder: 'e.g. 1a2b3c4d-… (a UUID)',
	description: 'The thread (conversation)',
});

export { limitField, returnAllField } from '../../shared/descriptions';

export const licenceField: INodeProperties = {
	displayName: 'Licence ID',
	name: 'licenceId',
	type: 'string',
	default: '',
	description:
		'Sent as meta_data.user_data.licence. Empty uses the default licence of the credential. An unknown licence degrades answers without an error.',
};

export const userIdField: INodeProperties = {
	displayName: 'User ID',
	name: 'userId',
	type: 'string',
	default: '',
	placeholder: "e.g. 0b7a1c2d-… (empty: the credential's default)",
	description: 'UUID of the end user. Empty uses the default user of the credential, if any.',
};

export const additionalBodyField: INodeProperties = {
	displayName: 'Additional Body (JSON)',
	name: 'additionalBodyJson',
	type: 'json',
	default: '{}',
	description:
		'JSON merged into the request body (nested objects are merged), to send fields this node does not model, such as tool configuration',
};

export const includeRequestField: INodeProperties = {
	displayName: 'Include Request',
	name: 'includeRequest',
	type: 'boolean',
	default: false,
	description:
		'Whether to add the request that was sent (method, URL and body; never the API key) to the output',
};

export const contentField: INodeProperties = {
	displayName: 'Content',
	name: 'content',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	required: true,
	description: 'The text of the message, at most 30,000 characters',
};

/** Shown on every operation: how requests behave on failures and how fast answers may be requested. */
export const requestOptionsField: INodeProperties = requestOptionsField_([
	{
		displayName: 'Answer Requests per Minute',
		name: 'answerRequestsPerMinute',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 60,
		description:
			"Client-side cap on run and chat requests per minute (your tier's limit; 0 turns the cap off). The lowest tier allows 60.",
	},
	{
		displayName: 'Answer Requests per Second',
		name: 'answerRequestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 15,
		description:
			'Client-side cap on run and chat requests per second (0 turns the cap off). The lowest tier allows 15.',
	},
	{
		displayName: 'Other Requests per Minute',
		name: 'otherRequestsPerMinute',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 180,
		description:
			"Client-side cap on all other requests (threads, messages, lists, files) per minute (your tier's limit; 0 turns the cap off). The lowest tier allows 180.",
	},
	{
		displayName: 'Other Requests per Second',
		name: 'otherRequestsPerSecond',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 60,
		description:
			'Client-side cap on all other requests (threads, messages, lists, files) per second (0 turns the cap off). The lowest tier allows 60.',
	},
]);

export const MAX_CONTENT_LENGTH = 30_000;
