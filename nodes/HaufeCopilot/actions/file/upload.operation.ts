import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { nothing, object } from '../../../shared/contracts';
import { itemProgress } from '../../../shared/progress';
import {
	hasFailed,
	isTerminal,
	pollIntervalField,
	pollUntil,
	readWaitTiming,
	WaitClock,
	waitTimedOut,
	waitTimeoutField,
} from '../../../shared/run-wait';
import { Validator } from '../../../shared/validation';
import type { HaufeClient } from '../../transport';
import { FILE_STATUSES } from '../../transport';
import { userIdField } from '../fields';
import { processingStatus, STATUS_CONTRACT } from './helpers';

/** Documented limits; the signed-URL answer may state its own, which are checked too. */
export const FILE_LIMITS = {
	maxSize: 10_485_760,
	allowedTypes: ['pdf', 'docx', 'xlsx', 'csv', 'txt'],
};

/** Processing takes seconds, not a run's fractions of one: checked less often by default. */
const POLL_INTERVAL_SECONDS = 2;

/** The stored name of the processing wait's time limit (displayed as "Wait Timeout"). */
const PROCESSING_TIMEOUT = 'processingTimeout';

const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the file to upload',
	},
	{
		displayName: 'Persist',
		name: 'persist',
		type: 'boolean',
		default: true,
		description: 'Whether the service keeps the file after processing',
	},
	userIdField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			pollIntervalField('checks of the processing status', POLL_INTERVAL_SECONDS),
			// Stored workflows name this wait's time limit `processingTimeout`: the name stays.
			waitTimeoutField('the file to be processed', { name: PROCESSING_TIMEOUT }),
			{
				displayName: 'Wait Until Processed',
				name: 'waitForProcessing',
				type: 'boolean',
				default: true,
				description: 'Whether to wait until the service has processed the file (status PROCESSED)',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['upload'] } },
	properties,
);

function extensionOf(fileName: string | undefined, fallback: string | undefined): string {
	const match = /\.([A-Za-z0-9]+)$/.exec(fileName ?? '');
	return (match?.[1] ?? fallback ?? '').toLowerCase();
}

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	const validator = new Validator(this.getNode(), itemIndex);
	const propertyName = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
	const binary = this.helpers.assertBinaryData(itemIndex, propertyName);
	const fileName = binary.fileName ?? `upload.${binary.fileExtension ?? 'bin'}`;
	const extension = extensionOf(fileName, binary.fileExtension);
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	const checkLimits = (limits: { maxSize: number; allowedTypes: string[] }) => {
		if (!limits.allowedTypes.includes(extension)) {
			validator.fail(
				`File "${fileName}" has type "${extension || 'unknown'}"; allowed types are ${limits.allowedTypes.join(', ')}`,
			);
		}
		if (data.length > limits.maxSize) {
			validator.fail(
				`File "${fileName}" is ${data.length} bytes; the limit is ${limits.maxSize} bytes (${Math.round(limits.maxSize / 1048576)} MiB)`,
			);
		}
	};
	checkLimits(FILE_LIMITS);
	const userId =
		(this.getNodeParameter('userId', itemIndex, '') as string).trim() ||
		String(client.credentials.userId ?? '').trim();
	validator.uuid(userId, 'User ID');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;

	// Under "Retry On Fail" a retry waits for the file the failed try uploaded, unless its
	// processing failed.
	const steps = itemProgress(this, itemIndex);
	const fileId = await steps.once('upload', async () => {
		const signed = await client.call<IDataObject>('GET', '/files/signed-url', {
			qs: {
				filename: fileName,
				persist: this.getNodeParameter('persist', itemIndex, true) as boolean,
			},
			headers: userId ? { 'user-id': userId } : undefined,
			itemIndex,
			expect: object('a signed upload URL', { file_url: 'string', file_id: 'id' }),
		});
		const limits = signed.file_limits as
			| { max_size?: number; allowed_types?: string[] }
			| undefined;
		checkLimits({
			maxSize: Number(limits?.max_size ?? FILE_LIMITS.maxSize),
			allowedTypes: (limits?.allowed_types ?? FILE_LIMITS.allowedTypes).map((type) =>
				type.toLowerCase(),
			),
		});
		// The signed URL carries its own authorisation; the API key must not travel to the storage host.
		await client.api.request({
			method: 'PUT',
			url: String(signed.file_url),
			body: data,
			headers: { 'Content-Type': binary.mimeType || 'application/octet-stream' },
			anonymous: true,
			itemIndex,
			expect: nothing('the upload confirmation'),
		});
		return String(signed.file_id);
	});

	const result: IDataObject = {
		file_id: fileId,
		file_name: fileName,
		size: data.length,
		processing_status: 'UPLOADED',
	};
	if (options.waitForProcessing === false) return result;

	const timing = readWaitTiming(this, options, 'Options', {
		pollIntervalSeconds: POLL_INTERVAL_SECONDS,
		timeoutName: PROCESSING_TIMEOUT,
	});
	const clock = new WaitClock(timing);
	result.processing_status = await pollUntil(this, clock, {
		check: async () =>
			processingStatus(
				await client.call<IDataObject>('GET', `/files/${encodeURIComponent(fileId)}/status`, {
					itemIndex,
					expect: STATUS_CONTRACT,
					// Retries (and Retry-After waits) count against the Wait Timeout.
					deadline: clock.deadline,
				}),
			),
		done: (status) => isTerminal(FILE_STATUSES, status),
		timedOut: (status) =>
			waitTimedOut(this.getNode(), timing, {
				subject: `File ${fileId} ("${fileName}")`,
				verb: 'was not processed',
				state: ` (last status ${status})`,
				description:
					'The file was uploaded and may still finish: check it later with File > Get Status instead of uploading it again, or raise the Wait Timeout.',
				itemIndex,
			}),
	});
	if (hasFailed(FILE_STATUSES, result.processing_status)) {
		steps.forget('upload');
		throw new NodeOperationError(
			this.getNode(),
			`Processing of file ${fileId} ("${fileName}") failed`,
			{
				itemIndex,
				description:
					'The upload arrived but the service could not process it: check the file, then upload it again.',
			},
		);
	}
	return result;
}
