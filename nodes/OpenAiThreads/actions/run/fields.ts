import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { pathId } from '../../../shared/parameters';
import { mergeBody, Validator } from '../../../shared/validation';
import { readMetadata } from '../fields';

/** The endpoints that start a run from scratch, each with its own body (the spec closes both). */
export type RunEndpoint = 'createRun' | 'createThreadAndRun';

/**
 * Every field each endpoint's body may hold: CreateRunRequest and CreateThreadAndRunRequest of
 * the Assistants v2 OpenAPI document, both `additionalProperties: false`. Only create run takes
 * `additional_instructions` and `additional_messages`; only thread-and-run takes `thread` and
 * `tool_resources`.
 */
const SHARED_RUN_FIELDS = [
	'metadata',
	'temperature',
	'top_p',
	'stream',
	'max_prompt_tokens',
	'max_completion_tokens',
	'truncation_strategy',
	'tool_choice',
	'parallel_tool_calls',
	'response_format',
];

export const RUN_BODY_FIELDS: Record<RunEndpoint, readonly string[]> = {
	createRun: [
		'assistant_id',
		'model',
		'reasoning_effort',
		'instructions',
		'additional_instructions',
		'additional_messages',
		'tools',
		...SHARED_RUN_FIELDS,
	],
	createThreadAndRun: [
		'assistant_id',
		'thread',
		'model',
		'instructions',
		'tools',
		'tool_resources',
		...SHARED_RUN_FIELDS,
	],
};

const additionalBodyOption: INodeProperties = {
	displayName: 'Additional Body (JSON)',
	name: 'additionalBodyJson',
	type: 'json',
	default: '{}',
	description:
		'JSON merged into the request body, for fields this node does not model (tools, temperature, ...)',
};

const commonOptions: INodeProperties[] = [
	{
		displayName: 'Instructions',
		name: 'instructions',
		type: 'string',
		default: '',
		description: "Replace the assistant's instructions for this run",
	},
	{ displayName: 'Metadata (JSON)', name: 'metadataJson', type: 'json', default: '{}' },
	{
		displayName: 'Model',
		name: 'model',
		type: 'string',
		default: '',
		description: "Replace the assistant's model for this run",
	},
];

/** Run > Create: POST /threads/{thread_id}/runs, which also takes additional instructions. */
export const runOptionsField: INodeProperties = {
	displayName: 'Run Options',
	name: 'runOptions',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		additionalBodyOption,
		{
			displayName: 'Additional Instructions',
			name: 'additionalInstructions',
			type: 'string',
			default: '',
			description: 'Appended to the instructions for this run',
		},
		...commonOptions,
	],
};

/** Run > Create Thread and Run: POST /threads/runs has no additional instructions. */
export const threadAndRunOptionsField: INodeProperties = {
	...runOptionsField,
	options: [additionalBodyOption, ...commonOptions],
};

/**
 * The optional run fields, checked, merged with the extra JSON; a field the endpoint does not
 * take (the spec rejects unknown fields) fails here, naming it, before anything is sent.
 */
export function runBody(
	context: IExecuteFunctions,
	itemIndex: number,
	base: IDataObject,
	endpoint: RunEndpoint,
): IDataObject {
	const validator = new Validator(context.getNode(), itemIndex);
	const options = context.getNodeParameter('runOptions', itemIndex, {}) as IDataObject;
	const body: IDataObject = { ...base };
	if (options.model) body.model = options.model;
	if (options.instructions) body.instructions = options.instructions;
	if (endpoint === 'createRun' && options.additionalInstructions)
		body.additional_instructions = options.additionalInstructions;
	const metadata = readMetadata(validator, options.metadataJson, 'Run Options > Metadata (JSON)');
	if (metadata) body.metadata = metadata;
	const extra = validator.jsonObject(
		options.additionalBodyJson,
		'Run Options > Additional Body (JSON)',
	);
	const allowed = RUN_BODY_FIELDS[endpoint];
	const unknown = Object.keys(extra).filter((key) => !allowed.includes(key));
	if (unknown.length) {
		validator.fail(
			`"Run Options > Additional Body (JSON)" has ${unknown.map((key) => `"${key}"`).join(', ')}, which ${endpoint === 'createRun' ? 'creating a run' : 'creating a thread and run'} does not take`,
			`The fields it takes: ${allowed.join(', ')}.${endpoint === 'createThreadAndRun' ? ' Additional instructions and messages exist only when running an existing thread (Run > Create).' : ''}`,
		);
	}
	return mergeBody(body, extra);
}

export function runPath(context: IExecuteFunctions, itemIndex: number): string {
	return `/threads/${pathId(context, 'threadId', 'Thread ID', itemIndex)}/runs/${pathId(context, 'runId', 'Run', itemIndex)}`;
}
