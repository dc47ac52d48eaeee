import { randomBytes } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { itemProgress } from '../../../shared/progress';
import { Validator } from '../../../shared/validation';
import type { AgentChatClient } from '../../transport';
import { readUploadAnswer } from '../../transport/answer';
import { modelLocator, threadChoiceFields } from '../fields';
import { modelFor, sendMessage, threadFor } from '../run/helpers';

const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the file to upload',
	},
	...threadChoiceFields,
	{
		displayName: 'Send a Message About the File',
		name: 'followUp',
		type: 'boolean',
		default: false,
		description:
			"Whether to send a message into the thread once the file is stored, and collect the agent's answer. The app itself does not answer an upload.",
	},
	{
		displayName: 'Message',
		name: 'followUpMessage',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. Summarise the file I just uploaded',
		displayOptions: { show: { followUp: [true] } },
	},
	{ ...modelLocator, displayOptions: { show: { followUp: [true] } } },
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['upload'] } },
	properties,
);

/** multipart/form-data by hand: the package may not depend on a form-data library. */
function multipart(
	fields: Record<string, string>,
	file: { name: string; type: string; data: Buffer },
) {
	const boundary = `----n8nAgentChat${randomBytes(12).toString('hex')}`;
	const parts: Buffer[] = [];
	for (const [name, value] of Object.entries(fields)) {
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
			),
		);
	}
	const safeName = file.name.replace(/["\r\n]/g, '_');
	parts.push(
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${file.type}\r\n\r\n`,
		),
		file.data,
		Buffer.from(`\r\n--${boundary}--\r\n`),
	);
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * How many pages of the file the thread holds: the app stores each page as a `user_image`
 * message whose metadata names the file and its page count (`"3 pages"`).
 */
async function storedPages(
	client: AgentChatClient,
	threadId: string,
	fileName: string,
	itemIndex: number,
): Promise<number | null> {
	const messages = (await client.threadMessages(threadId, itemIndex)) ?? [];
	const last = messages
		.filter(
			(entry) =>
				entry.role === 'user_image' &&
				(entry.metadata as IDataObject | undefined)?.filename === fileName,
		)
		.at(-1);
	const count = parseInt(String((last?.metadata as IDataObject | undefined)?.pageCount ?? ''), 10);
	return Number.isFinite(count) ? count : null;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	const propertyName = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
	const binary = this.helpers.assertBinaryData(itemIndex, propertyName);
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	const followUp = this.getNodeParameter('followUp', itemIndex, false) as boolean;
	const message = followUp
		? String(this.getNodeParameter('followUpMessage', itemIndex, '') ?? '')
		: '';
	if (followUp) new Validator(this.getNode(), itemIndex).required(message, 'Message');
	const modelId = followUp ? await modelFor.call(this, client, itemIndex) : '';
	const threadId = await threadFor.call(this, client, itemIndex);
	const fileName = binary.fileName ?? `upload.${binary.fileExtension ?? 'bin'}`;
	const mimeType = binary.mimeType || 'application/octet-stream';
	const progress = { thread_id: threadId, file_name: fileName };

	// Sent once: a retry (of the follow-up message, say) does not store the file twice.
	const appAnswer = await itemProgress(this, itemIndex).once('upload', async () => {
		const { body, contentType } = multipart(
			{ thread_id: threadId },
			{ name: fileName, type: mimeType, data },
		);
		const stream = await client.stream(
			'/api/files/upload',
			body,
			itemIndex,
			{ 'Content-Type': contentType },
			`The file may have been stored in thread ${threadId}: look at the thread (Thread > Get) before uploading it again.`,
		);
		return await readUploadAnswer.call(this, stream, itemIndex, progress);
	});
	const upload: IDataObject = {
		file_name: fileName,
		thread_id: threadId,
		stored: true,
		pages: await storedPages(client, threadId, fileName, itemIndex),
		size: data.length,
		mime_type: mimeType,
		// `app_reply` is the output field stored workflows read: its name stays.
		...(appAnswer ? { app_reply: appAnswer } : {}),
	};
	if (!followUp) return upload;

	const { answer, ...figures } = await sendMessage.call(
		this,
		client,
		itemIndex,
		{ threadId, message, modelId },
		{ ...progress, uploaded: true },
	);
	return { answer, ...upload, message, model_id: modelId, ...figures };
}
