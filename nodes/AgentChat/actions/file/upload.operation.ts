import { randomBytes } from 'crypto';

import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { AgentChatClient } from '../../transport';
import { collectReply } from '../../transport/reply';
import { threadChoiceFields } from '../fields';
import { threadFor } from '../run/send.operation';

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
];

export const description = updateDisplayOptions({ show: { resource: ['file'], operation: ['upload'] } }, properties);

/** multipart/form-data by hand: the package may not depend on a form-data library. */
function multipart(fields: Record<string, string>, file: { name: string; type: string; data: Buffer }) {
	const boundary = `----n8nAgentChat${randomBytes(12).toString('hex')}`;
	const parts: Buffer[] = [];
	for (const [name, value] of Object.entries(fields)) {
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
	}
	const safeName = file.name.replace(/["\r\n]/g, '_');
	parts.push(
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${file.type}\r\n\r\n`),
		file.data,
		Buffer.from(`\r\n--${boundary}--\r\n`),
	);
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	const propertyName = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
	const binary = this.helpers.assertBinaryData(itemIndex, propertyName);
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	const threadId = await threadFor.call(this, client, itemIndex);
	const fileName = binary.fileName ?? `upload.${binary.fileExtension ?? 'bin'}`;
	const { body, contentType } = multipart({ thread_id: threadId }, {
		name: fileName,
		type: binary.mimeType || 'application/octet-stream',
		data,
	});
	const started = Date.now();
	const stream = await client.stream(
		'/api/files/upload',
		body,
		itemIndex,
		{ 'Content-Type': contentType },
		`The file may have been stored in thread ${threadId}: look at the thread (Thread > Get) before uploading it again.`,
	);
	const { answer, ...figures } = await collectReply.call(this, stream, itemIndex, { thread_id: threadId, file_name: fileName }, started);
	return { answer, thread_id: threadId, file_name: fileName, size: data.length, ...figures };
}
