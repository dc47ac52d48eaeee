import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { resourceLocator } from '../../shared/descriptions';
import { splitList, Validator } from '../../shared/validation';
import { checkMetadata, checkToolResources } from './limits';

// A plain ID: the Assistants API has no endpoint that lists threads.
export const threadIdField: INodeProperties = {
	displayName: 'Thread ID',
	name: 'threadId',
	type: 'string',
	default: '',
	required: true,
};

/**
 * Runs are listed per thread (the API lists no threads): the list shows the runs of the Thread
 * ID above, and a run picked from it is cleared when the thread changes.
 */
export const runLocator: INodeProperties = {
	...resourceLocator({
		displayName: 'Run',
		name: 'runId',
		searchListMethod: 'searchRuns',
		placeholder: 'e.g. run_abc123',
		description: 'The run, from the runs of the thread above, or by ID',
	}),
	typeOptions: { loadOptionsDependsOn: ['threadId'] },
};

export const assistantLocator = resourceLocator({
	displayName: 'Assistant',
	name: 'assistantId',
	searchListMethod: 'searchAssistants',
	placeholder: 'e.g. asst_abc123',
});

export const metadataField: INodeProperties = {
	displayName: 'Metadata (JSON)',
	name: 'metadataJson',
	type: 'json',
	default: '{}',
	description: 'At most 16 pairs; keys up to 64 characters, values up to 512',
};

/** The messages of a new thread (or of a thread-and-run), with their attachments. */
export const messagesField: INodeProperties = {
	displayName: 'Messages',
	name: 'messages',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add message',
	default: {},
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
				},
				{
					displayName: 'Attachment File IDs',
					name: 'fileIds',
					type: 'string',
					default: '',
					description: 'Comma-separated file IDs attached to the message',
				},
				{
					displayName: 'Attachment Tools',
					name: 'tools',
					type: 'multiOptions',
					options: [
						{ name: 'Code Interpreter', value: 'code_interpreter' },
						{ name: 'File Search', value: 'file_search' },
					],
					default: ['file_search'],
					description: 'The tools the attached files are added to',
				},
				{ ...metadataField, name: 'metadataJson' },
			],
		},
	],
};

const codeInterpreterFileIdsOption: INodeProperties = {
	displayName: 'Code Interpreter File IDs',
	name: 'codeInterpreterFileIds',
	type: 'string',
	default: '',
	description: 'Comma-separated, at most 20',
};

const vectorStoreIdsOption: INodeProperties = {
	displayName: 'Vector Store IDs',
	name: 'vectorStoreIds',
	type: 'string',
	default: '',
	description: 'Comma-separated; at most one vector store can be attached',
};

/** Tool resources of a new thread: the `vector_stores` helper exists on create only (CreateThreadRequest). */
export const toolResourcesField: INodeProperties = {
	displayName: 'Tool Resources',
	name: 'toolResources',
	type: 'collection',
	placeholder: 'Add tool resource',
	default: {},
	options: [
		codeInterpreterFileIdsOption,
		{
			displayName: 'New Vector Store File IDs',
			name: 'newVectorStoreFileIds',
			type: 'string',
			default: '',
			description:
				'Comma-separated file IDs for a vector store created with the thread (at most 10,000)',
		},
		vectorStoreIdsOption,
	],
};

/**
 * Tool resources of an existing thread: ModifyThreadRequest takes file IDs and vector store IDs,
 * but no `vector_stores` helper (a new vector store can only come with a new thread).
 */
export const updateToolResourcesField: INodeProperties = {
	...toolResourcesField,
	options: [codeInterpreterFileIdsOption, vectorStoreIdsOption],
};

/** Messages of the fixed collection in the wire format, checked against the limits. */
export function readMessages(
	context: IExecuteFunctions,
	validator: Validator,
	itemIndex: number,
): IDataObject[] {
	const values = ((context.getNodeParameter('messages', itemIndex, {}) as IDataObject).values ??
		[]) as IDataObject[];
	return values.map((value, index) => {
		const message: IDataObject = {
			role: value.role ?? 'user',
			content: String(value.content ?? ''),
		};
		validator.required(message.content, `Messages ${index + 1} > Content`);
		const fileIds = splitList(value.fileIds);
		if (fileIds.length) {
			const tools = ((value.tools as string[]) ?? ['file_search']).map((type) => ({ type }));
			message.attachments = fileIds.map((file_id) => ({ file_id, tools }));
		}
		const metadata = validator.jsonObject(
			value.metadataJson,
			`Messages ${index + 1} > Metadata (JSON)`,
		);
		if (Object.keys(metadata).length) {
			checkMetadata(validator, metadata, `Messages ${index + 1} > Metadata (JSON)`);
			message.metadata = metadata;
		}
		return message;
	});
}

/**
 * Tool resources in the wire format, checked against the limits. `newStores` (create only):
 * whether the `vector_stores` helper may be sent; an update never sends it.
 */
export function readToolResources(
	context: IExecuteFunctions,
	validator: Validator,
	itemIndex: number,
	{ newStores }: { newStores: boolean } = { newStores: true },
): IDataObject | undefined {
	const fields = context.getNodeParameter('toolResources', itemIndex, {}) as IDataObject;
	const resources: IDataObject = {};
	const codeFiles = splitList(fields.codeInterpreterFileIds);
	if (codeFiles.length) resources.code_interpreter = { file_ids: codeFiles };
	const storeIds = splitList(fields.vectorStoreIds);
	const newStoreFiles = newStores ? splitList(fields.newVectorStoreFileIds) : [];
	if (storeIds.length || newStoreFiles.length) {
		resources.file_search = {
			...(storeIds.length ? { vector_store_ids: storeIds } : {}),
			...(newStoreFiles.length ? { vector_stores: [{ file_ids: newStoreFiles }] } : {}),
		};
	}
	if (!Object.keys(resources).length) return undefined;
	checkToolResources(validator, resources);
	return resources;
}

export function readMetadata(
	validator: Validator,
	value: unknown,
	field = 'Metadata (JSON)',
): IDataObject | undefined {
	const metadata = validator.jsonObject(value, field);
	if (!Object.keys(metadata).length) return undefined;
	checkMetadata(validator, metadata, field);
	return metadata;
}

/** The body of a new thread, checked against every documented limit; shared with Create Thread and Run. */
export function threadBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const validator = new Validator(context.getNode(), itemIndex);
	const body: IDataObject = {};
	const messages = readMessages(context, validator, itemIndex);
	if (messages.length) body.messages = messages;
	const metadata = readMetadata(
		validator,
		context.getNodeParameter('metadataJson', itemIndex, '{}'),
	);
	if (metadata) body.metadata = metadata;
	const resources = readToolResources(context, validator, itemIndex);
	if (resources) body.tool_resources = resources;
	return body;
}
