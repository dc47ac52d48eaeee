import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { object } from '../../../shared/contracts';
import {
	conversationKeyField,
	conversationKeyGiven,
	readConversationKey,
} from '../../../shared/conversation';
import { simplified } from '../../../shared/output';
import { pathId, readId } from '../../../shared/parameters';
import { itemProgress, progressOf } from '../../../shared/progress';
import type { WaitMode } from '../../../shared/run-wait';
import {
	hasFailed,
	pollIntervalField,
	readWaitTiming,
	waitModeField,
	waitTimeoutField,
} from '../../../shared/run-wait';
import {
	chosenName,
	compactOutputField,
	fromAi,
	nodeAndTool,
	QUESTION_KEY,
	requireQuestion,
	runsAsTool,
	toolDescriptionField,
	toolOutput,
} from '../../../shared/tool';
import { mergeBody, splitList, Validator } from '../../../shared/validation';
import type { GriptapeClient } from '../../transport';
import { RUN_STATUSES } from '../../transport';
import { assistantLocator, checkUuids, simplifyField, threadLocator } from '../fields';
import { newKeyedThread, threadForKey, GRIPTAPE_KEY_MAX } from './conversation';
import type { FollowOptions } from './follow';
import { followRun } from './follow';
import { simplifyRun } from './simplify';

/** The id lists a run accepts, each also in an "additional" variant that adds to the assistant's own. */
const ID_LISTS = [
	['knowledgeBaseIds', 'knowledge_base_ids', 'Knowledge Base IDs'],
	['rulesetIds', 'ruleset_ids', 'Ruleset IDs'],
	['structureIds', 'structure_ids', 'Structure IDs'],
	['toolIds', 'tool_ids', 'Tool IDs'],
	['retrieverIds', 'retriever_ids', 'Retriever IDs'],
] as const;

const idListFields: INodeProperties[] = ID_LISTS.flatMap(([name, , label]) => [
	{
		displayName: label,
		name,
		type: 'string' as const,
		default: '',
		description: `Comma-separated IDs that replace the assistant's own ${label.toLowerCase()} for this run`,
	},
	{
		displayName: `Additional ${label}`,
		name: `additional${name[0].toUpperCase()}${name.slice(1)}`,
		type: 'string' as const,
		default: '',
		description: `Comma-separated IDs added to the assistant's own ${label.toLowerCase()} for this run`,
	},
]).sort((a, b) => a.displayName.localeCompare(b.displayName));

const threadModeField: INodeProperties = {
	displayName: 'Thread',
	name: 'threadMode',
	type: 'options',
	options: [
		{ name: 'None', value: 'none', description: 'Run without conversation history' },
		{
			name: 'New Thread',
			value: 'new',
			description: 'Start a new thread; its ID is in the output',
		},
		{ name: 'Existing Thread', value: 'existing', description: 'Continue a conversation' },
		{
			name: 'By Conversation Key',
			value: 'key',
			description:
				'Continue the thread whose alias is the key (a chat session ID, a ticket number); the first message creates it',
		},
	],
	default: 'none',
};

/** What a model reads about the tool (the assistant is the one picked in the node). */
export const TOOL_DESCRIPTION =
	'Sends a question or message to the Griptape Cloud assistant and returns its answer with a conversation_key (and the thread_id). Pass the question in full. To continue the conversation, pass that conversation_key again; without one, each call starts a new conversation.';

const properties: INodeProperties[] = [
	assistantLocator,
	...nodeAndTool(
		{
			displayName: 'Input',
			name: 'input',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			description: 'The message for the assistant',
		},
		{
			default: fromAi(
				QUESTION_KEY,
				'The question or message for the Griptape Cloud assistant, in full sentences',
			),
			required: true,
			description:
				'The message for the assistant. By default the model that calls the tool fills it in ($fromAI).',
		},
	),
	...nodeAndTool(threadModeField, {
		default: 'key',
	}),
	{ ...threadLocator, displayOptions: { show: { threadMode: ['existing'] } } },
	...nodeAndTool(
		conversationKeyField({
			maxLength: GRIPTAPE_KEY_MAX,
			show: { threadMode: ['key'] },
			description:
				"The conversation's key: the thread with this alias is continued, or created with it. Several executions with one key share one thread.",
		}),
		{
			default: fromAi(
				'conversation_key',
				'Optional: the conversation_key of an earlier answer of this tool, to continue that conversation (or any key naming a conversation, e.g. a ticket number). Leave it out to start a new conversation.',
				true,
			),
			required: false,
			description: `The conversation's key: the thread with this alias is continued, or created with it. By default the model may pass one; empty runs in a new thread. At most ${GRIPTAPE_KEY_MAX} characters`,
		},
	),
	waitModeField(
		[
			{ name: "Don't Wait", value: 'no', description: 'Output the run as created (status QUEUED)' },
			{
				name: 'By Polling Events',
				value: 'events',
				description: "Read the run's events page by page until it ends",
			},
			{
				name: 'By Event Stream',
				value: 'stream',
				description: "Follow the run's server-sent events until it ends",
			},
		],
		'events',
		'Whether to wait for the answer in this execution, and how',
	),
	simplifyField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Additional Body (JSON)',
				name: 'additionalBodyJson',
				type: 'json',
				default: '{}',
				description: 'JSON merged into the request body, for fields this node does not model',
			},
			{
				displayName: 'Arguments',
				name: 'args',
				type: 'string',
				default: '',
				description: 'Comma-separated arguments passed to the run',
			},
			{
				displayName: 'Cancel on Timeout',
				name: 'cancelOnTimeout',
				type: 'boolean',
				default: false,
				description:
					'Whether to cancel the run when the wait times out (otherwise it keeps running)',
			},
			{
				displayName: 'Include Events',
				name: 'includeEvents',
				type: 'boolean',
				default: false,
				description: 'Whether to add every event of the run to the output',
			},
			pollIntervalField('event pages when no new events arrived'),
			{
				displayName: 'Stream Run',
				name: 'stream',
				type: 'boolean',
				default: false,
				description:
					"Whether to set the run's stream flag, so that it emits a TextChunkEvent per token",
			},
			waitTimeoutField('the run to end', {
				note: 'Retries and Retry-After waits count against it.',
			}),
			...idListFields,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['assistantRun'], operation: ['create'] } },
	[...properties, toolDescriptionField(TOOL_DESCRIPTION), compactOutputField()],
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: GriptapeClient) {
	const validator = new Validator(this.getNode(), itemIndex);
	const assistantId = pathId(this, 'assistantId', 'Assistant', itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = { input: this.getNodeParameter('input', itemIndex, '') as string };
	const threadMode = this.getNodeParameter('threadMode', itemIndex, 'none') as string;
	if (threadMode === 'new') body.new_thread = true;
	if (threadMode === 'existing') {
		body.thread_id = readId(this, 'threadId', itemIndex, 'Thread');
	}
	// Checked before anything is sent; the thread is looked up (or created) after the other checks.
	// A tool's model may leave the key out: its question then starts a conversation of its own,
	// under a new key that the answer names, so that the model can continue it.
	const asTool = runsAsTool(this);
	const newKey = threadMode === 'key' && asTool && !conversationKeyGiven(this, itemIndex);
	const conversationKey =
		threadMode === 'key' && !newKey
			? readConversationKey(this, itemIndex, GRIPTAPE_KEY_MAX)
			: undefined;
	if (options.args) body.args = splitList(options.args);
	if (options.stream !== undefined) body.stream = options.stream;
	for (const [name, key] of ID_LISTS) {
		const additional = `additional${name[0].toUpperCase()}${name.slice(1)}`;
		if (options[name]) body[key] = splitList(options[name]);
		if (options[additional]) body[`additional_${key}`] = splitList(options[additional]);
	}
	const extra = validator.jsonObject(options.additionalBodyJson, 'Additional Body (JSON)');
	const merged = mergeBody(body, extra);
	// The API document allows only UUIDs (version 4) in the id lists and as thread_id.
	for (const [, key, label] of ID_LISTS) {
		for (const [field, title] of [
			[key, label],
			[`additional_${key}`, `Additional ${label}`],
		]) {
			if (merged[field] === undefined) continue;
			checkUuids(
				validator,
				merged[field],
				field in extra ? `Additional Body (JSON) > ${field}` : title,
			);
		}
	}
	if (merged.thread_id !== undefined)
		checkUuids(
			validator,
			merged.thread_id,
			'thread_id' in extra ? 'Additional Body (JSON) > thread_id' : 'Thread',
		);

	// A run without input answers nothing: refused before anything is created.
	requireQuestion(
		this,
		itemIndex,
		merged.input,
		'input' in extra ? 'Additional Body (JSON) > input' : 'Input',
		'A run needs the message for the assistant, e.g. {{ $json.chatInput }} after a Chat Trigger.',
	);
	// A run is work on Griptape's side: created once, never re-sent after an unclear failure.
	// Under "Retry On Fail" a retry follows the run the failed try started, unless it ended.
	const steps = itemProgress(this, itemIndex);
	if (conversationKey !== undefined && merged.thread_id === undefined) {
		const { threadId } = await steps.once(
			'thread',
			async () => await threadForKey.call(this, client, conversationKey, itemIndex),
		);
		merged.thread_id = threadId;
	}
	let startedKey: string | undefined;
	if (newKey && merged.thread_id === undefined) {
		const thread = await steps.once('thread', async () => await newKeyedThread(client, itemIndex));
		merged.thread_id = thread.threadId;
		startedKey = thread.key;
	}
	const run = await steps.once(
		'run',
		async () =>
			await client.call<IDataObject>('POST', `/assistants/${assistantId}/runs`, {
				body: merged,
				itemIndex,
				expect: object('the new run', { assistant_run_id: 'id' }),
				unclear:
					"A run may have been started: look at the assistant's runs (Assistant Run > Get Many) before starting another.",
			}),
	);
	const mode = this.getNodeParameter('waitForCompletion', itemIndex, 'events') as WaitMode;
	const output = (result: IDataObject) =>
		toolOutput(this, itemIndex, simplified(this, itemIndex, result, simplifyRun), () => ({
			answer: result.answer,
			conversation_key: conversationKey ?? startedKey,
			thread_id: result.thread_id ?? merged.thread_id,
			...(result.status === 'SUCCEEDED' ? {} : { status: result.status }),
			assistant: chosenName(this, 'assistantId', itemIndex),
		}));
	if (mode === 'no') return output(run);
	const finished = await steps.buildOn(
		'run',
		async () =>
			await followRun.call(this, client, String(run.assistant_run_id), {
				mode: mode as FollowOptions['mode'],
				...readWaitTiming(this, options, 'Options'),
				cancelOnTimeout: options.cancelOnTimeout === true,
				includeEvents: options.includeEvents === true,
				itemIndex,
			}),
		// A run that failed will not answer any more: a retry has to start a new one.
		(error) => hasFailed(RUN_STATUSES, progressOf(error).status),
	);
	return output(finished);
}
