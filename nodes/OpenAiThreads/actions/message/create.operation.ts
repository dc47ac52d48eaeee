import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import { simplifyField } from '../../../shared/descriptions';
import { simplified } from '../../../shared/output';
import { pathId } from '../../../shared/parameters';
import { splitList, Validator } from '../../../shared/validation';
import type { OpenAiThreadsClient } from '../../transport';
import { metadataField, readMetadata, threadIdField } from '../fields';
import { simplifyMessage } from './simplify';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['create'] } },
	[
		threadIdField,
		{
			displayName: 'Role',
			name: 'role',
			type: 'options',
			options: [
				{ name: 'Assistant', value: 'assistant' },
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
			required: true,
		},
		{
			displayName: 'Attachment File IDs',
			name: 'fileIds',
			type: 'string',
			default: '',
			description: 'Comma-separated file IDs, added to the file search tool',
		},
		metadataField,
		simplifyField,
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: OpenAiThreadsClient,
) {
	const validator = new Validator(this.getNode(), itemIndex);
	const threadId = pathId(this, 'threadId', 'Thread ID', itemIndex);
	const content = this.getNodeParameter('content', itemIndex, '') as string;
	validator.required(content, 'Content');
	const body: IDataObject = { role: this.getNodeParameter('role', itemIndex, 'user'), content };
	const fileIds = splitList(this.getNodeParameter('fileIds', itemIndex, ''));
	if (fileIds.length)
		body.attachments = fileIds.map((file_id) => ({ file_id, tools: [{ type: 'file_search' }] }));
	const metadata = readMetadata(validator, this.getNodeParameter('metadataJson', itemIndex, '{}'));
	if (metadata) body.metadata = metadata;
	const message = await client.call<IDataObject>('POST', `/threads/${threadId}/messages`, {
		body,
		itemIndex,
		expect: object('the new message', { id: 'id' }),
		unclear:
			"It may have been added: look at the thread's messages (Message > Get Many) before posting it again.",
	});
	return simplified(this, itemIndex, message, simplifyMessage);
}
