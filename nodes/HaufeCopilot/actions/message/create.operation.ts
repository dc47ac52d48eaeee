import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readId } from '../../../shared/parameters';
import type { HaufeClient } from '../../transport';
import { contentField, threadLocator } from '../fields';
import { postMessage } from './helpers';

const properties: INodeProperties[] = [
	threadLocator,
	{
		displayName: 'Role',
		name: 'role',
		type: 'options',
		options: [
			{
				name: 'Assistant',
				value: 'assistant',
				description: 'An earlier answer, or a request for a tool call',
			},
			{
				name: 'System',
				value: 'system',
				description: 'Instructions; only allowed as the first message of a thread',
			},
			{
				name: 'Tool',
				value: 'tool',
				description: 'The result of a tool call requested by an assistant message',
			},
			{ name: 'User', value: 'user', description: 'A question or statement of the end user' },
		],
		default: 'user',
	},
	contentField,
	{
		displayName: 'Tool Call ID',
		name: 'toolCallId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { role: ['tool'] } },
		description: 'The tool_call_id of the assistant message this tool message answers',
	},
	{
		displayName: 'Tool Call ID',
		name: 'toolCallId',
		type: 'string',
		default: '',
		displayOptions: { show: { role: ['assistant'] } },
		description:
			'Set when this assistant message requests a tool call; the tool message must repeat it',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['create'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const role = this.getNodeParameter('role', itemIndex) as string;
	return await postMessage.call(
		this,
		client,
		itemIndex,
		readId(this, 'threadId', itemIndex, 'Thread'),
		{
			role,
			content: this.getNodeParameter('content', itemIndex, '') as string,
			toolCallId:
				role === 'tool' || role === 'assistant'
					? (this.getNodeParameter('toolCallId', itemIndex, '') as string).trim()
					: undefined,
		},
	);
}
