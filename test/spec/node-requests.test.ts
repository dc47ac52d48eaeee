/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * Every request the nodes can send is one the vendor's document allows: each operation of the
 * OpenAI-compatible Threads, Griptape Cloud (and its trigger) and Haufe Copilot nodes, with all
 * of its options set (several option sets where options exclude each other, e.g. the ways to
 * wait), run through n8n-core's real engine against the sandbox, which checks every request
 * against the documents (sandbox/spec.js). A case passes when the node succeeded, the requests
 * it sent reached the operations expected, the document rejected none of them, none carried a
 * query parameter or body field the document does not name, and every answer and streamed
 * event of the sandbox matched the document's response schemas.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import type { RunNodeOptions } from '../helpers/n8n-harness';
import { runListSearch, runNode, runPoll } from '../helpers/n8n-harness';
import { expectSpecClean, specFindings } from '../helpers/spec';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({
		port: 0,
		openai: { runStepMs: 5, tokenDelayMs: 1 },
		griptape: { runStepMs: 5, tokenDelayMs: 1 },
		haufe: { rateLimits: null, streamChunkDelayMs: 1, fileProcessingMs: 20 },
	});
});
afterEach(() => sandbox.reset());
afterAll(async () => await sandbox?.close());

// ---------------------------------------------------------------------------
// Set-up straight through the APIs (these requests are not part of what is checked)
// ---------------------------------------------------------------------------

const OPENAI_HEADERS = {
	authorization: 'Bearer sandbox-openai-key',
	'openai-beta': 'assistants=v2',
	'content-type': 'application/json',
};
const GRIPTAPE_HEADERS = {
	authorization: 'Bearer sandbox-griptape-key',
	'content-type': 'application/json',
};
const HAUFE_HEADERS = { 'api-key': 'sandbox-haufe-key', 'content-type': 'application/json' };
const USER_ID = '0b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
// Version-4 UUIDs, as the Griptape document demands for its id lists.
const UUIDS = Array.from({ length: 10 }, (_, i) => `5a000000-000${i}-4000-8000-00000000000${i}`);

async function api(
	base: string,
	headers: Record<string, string>,
	method: string,
	path: string,
	body?: unknown,
): Promise<IDataObject> {
	const response = await fetch(`${base}${path}`, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
	return text ? (JSON.parse(text) as IDataObject) : {};
}

const openai = (method: string, path: string, body?: unknown) =>
	api(sandbox.openai.baseUrl, OPENAI_HEADERS, method, path, body);
const griptape = (method: string, path: string, body?: unknown) =>
	api(sandbox.griptape.baseUrl, GRIPTAPE_HEADERS, method, path, body);
const haufe = (method: string, path: string, body?: unknown) =>
	api(sandbox.haufe.baseUrl, HAUFE_HEADERS, method, path, body);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean): Promise<T> {
	for (let i = 0; i < 400; i++) {
		const value = await read();
		if (done(value)) return value;
		await sleep(5);
	}
	throw new Error('set-up did not reach the expected state');
}

type Fixture = IDataObject & Record<string, string>;

/** An OpenAI-style thread with two user messages and one finished run. */
async function openAiThreadWithRun(): Promise<Fixture> {
	const thread = await openai('POST', '/threads', {
		messages: [
			{ role: 'user', content: 'eins' },
			{ role: 'user', content: 'zwei' },
		],
	});
	const threadId = String(thread.id);
	const run = await openai('POST', `/threads/${threadId}/runs`, {
		assistant_id: sandbox.openai.ids.assistant,
	});
	await until(
		() => openai('GET', `/threads/${threadId}/runs/${String(run.id)}`),
		(r) => r.status === 'completed',
	);
	const messages = (await openai('GET', `/threads/${threadId}/messages?order=asc`))
		.data as IDataObject[];
	return {
		threadId,
		runId: String(run.id),
		firstMessageId: String(messages[0].id),
		lastMessageId: String(messages[messages.length - 1].id),
	};
}

async function openAiHangingRun(): Promise<Fixture> {
	const run = await openai('POST', '/threads/runs', {
		assistant_id: sandbox.openai.ids.assistant,
		thread: { messages: [{ role: 'user', content: '[hang] warte' }] },
	});
	return { threadId: String(run.thread_id), runId: String(run.id) };
}

async function openAiToolRun(): Promise<Fixture> {
	const run = await openai('POST', '/threads/runs', {
		assistant_id: sandbox.openai.ids.toolAssistant,
		thread: { messages: [{ role: 'user', content: 'Weather in Berlin?' }] },
	});
	const waiting = await until(
		() => openai('GET', `/threads/${String(run.thread_id)}/runs/${String(run.id)}`),
		(r) => r.status === 'requires_action',
	);
	const call = ((waiting.required_action as IDataObject).submit_tool_outputs as IDataObject)
		.tool_calls as IDataObject[];
	return { threadId: String(run.thread_id), runId: String(run.id), callId: String(call[0].id) };
}

async function griptapeFixture(): Promise<Fixture> {
	const assistantId = sandbox.griptape.ids.assistants[0];
	const thread = await griptape('POST', '/threads', { name: 'Gespräch', alias: 'ticket-1' });
	const run = await griptape('POST', `/assistants/${assistantId}/runs`, {
		input: 'Hallo',
		thread_id: thread.thread_id,
	});
	const runId = String(run.assistant_run_id);
	await until(
		() => griptape('GET', `/assistant-runs/${runId}`),
		(r) => r.status === 'SUCCEEDED',
	);
	const events = (await griptape('GET', `/assistant-runs/${runId}/events?offset=0&limit=1`))
		.events as IDataObject[];
	const key = await griptape(
		'POST',
		`/organizations/${sandbox.griptape.ids.organizationId}/api-keys`,
		{ name: 'Zum Testen' },
	);
	return {
		assistantId,
		threadId: String(thread.thread_id),
		runId,
		eventId: String(events[0].event_id),
		apiKeyId: String(key.api_key_id),
	};
}

async function griptapeHangingRun(): Promise<Fixture> {
	const run = await griptape('POST', `/assistants/${sandbox.griptape.ids.assistants[0]}/runs`, {
		input: '[hang] warte',
	});
	return { runId: String(run.assistant_run_id) };
}

async function haufeFixture(): Promise<Fixture> {
	const thread = await haufe('POST', '/threads', {
		assistant_id: sandbox.haufe.assistantIds.hr,
		title: 'Probezeit',
		user_id: USER_ID,
	});
	const threadId = String(thread.id);
	const message = await haufe('POST', `/threads/${threadId}/messages`, {
		role: 'user',
		content: 'Wie lang ist die Probezeit?',
	});
	const signed = await haufe('GET', '/files/signed-url?filename=notes.txt&persist=true');
	await fetch(String(signed.file_url), { method: 'PUT', body: 'Urlaub: 30 Tage' });
	await sleep(30);
	return { threadId, messageId: String(message.id), fileId: String(signed.file_id) };
}

/** A system message must come first: a thread without messages. */
async function haufeEmptyThread(): Promise<Fixture> {
	return {
		threadId: String(
			(await haufe('POST', '/threads', { assistant_id: sandbox.haufe.assistantIds.hr })).id,
		),
	};
}

// ---------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------

type NodeType = 'openAiThreads' | 'griptapeCloud' | 'griptapeCloudTrigger' | 'haufeCopilot';

interface Case {
	node: NodeType;
	/** resource.operation (or listSearch.<method>, poll.<event>) */
	operation: string;
	/** Which option set: every option of the operation is set in one set or another. */
	options: string;
	setup?: () => Promise<Fixture>;
	parameters: (f: Fixture) => IDataObject;
	/** The document operations the node's requests must include. */
	expects: string[];
	run?: Partial<RunNodeOptions>;
	kind?: 'execute' | 'listSearch' | 'poll';
}

const rl = (value: string) => ({ __rl: true, mode: 'id', value });
const openAiWait = (mode: string) => ({
	waitForCompletion: mode,
	...(mode === 'no'
		? {}
		: {
				waitOptions: {
					pollInterval: 0.05,
					waitTimeout: 20,
					...(mode === 'stream' ? { streamSources: true } : {}),
				},
			}),
});
const openAiRequestOptions = { requestOptions: { maxRetries: 1, timeout: 20 } };
const runOptions = {
	additionalBodyJson: JSON.stringify({
		temperature: 0.7,
		top_p: 0.9,
		max_prompt_tokens: 1000,
		max_completion_tokens: 500,
		truncation_strategy: { type: 'last_messages', last_messages: 5 },
		tool_choice: 'auto',
		parallel_tool_calls: false,
		response_format: 'auto',
		tools: [{ type: 'file_search' }],
	}),
	instructions: 'Antworte kurz.',
	metadataJson: '{"source": "n8n"}',
	model: 'gpt-4o',
};
const threadFields = {
	messages: {
		values: [
			{
				role: 'user',
				content: 'Lies das',
				fileIds: 'file-1, file-2',
				tools: ['code_interpreter', 'file_search'],
				metadataJson: '{"k": "v"}',
			},
			{ role: 'assistant', content: 'Gern.' },
			{ role: 'user', content: 'Danke' },
		],
	},
	metadataJson: '{"customer": "42"}',
};
const stream = { run: { streaming: true } };

const OPENAI_CASES: Case[] = [
	{
		node: 'openAiThreads',
		operation: 'thread.create',
		options: 'messages, metadata, code interpreter files, attached vector store',
		parameters: () => ({
			resource: 'thread',
			operation: 'create',
			...threadFields,
			toolResources: { codeInterpreterFileIds: 'file-3', vectorStoreIds: 'vs_1' },
		}),
		expects: ['createThread'],
	},
	{
		node: 'openAiThreads',
		operation: 'thread.create',
		options: 'new vector store',
		parameters: () => ({
			resource: 'thread',
			operation: 'create',
			toolResources: { newVectorStoreFileIds: 'file-4, file-5' },
		}),
		expects: ['createThread'],
	},
	{
		node: 'openAiThreads',
		operation: 'thread.get',
		options: 'all',
		setup: openAiThreadWithRun,
		parameters: (f) => ({ resource: 'thread', operation: 'get', threadId: f.threadId }),
		expects: ['getThread'],
	},
	{
		node: 'openAiThreads',
		operation: 'thread.update',
		options: 'metadata and every tool resource it takes',
		setup: openAiThreadWithRun,
		parameters: (f) => ({
			resource: 'thread',
			operation: 'update',
			threadId: f.threadId,
			metadataJson: '{"customer": "43"}',
			toolResources: { codeInterpreterFileIds: 'file-1', vectorStoreIds: 'vs_2' },
		}),
		expects: ['modifyThread'],
	},
	{
		node: 'openAiThreads',
		operation: 'thread.delete',
		options: 'all',
		setup: openAiThreadWithRun,
		parameters: (f) => ({ resource: 'thread', operation: 'delete', threadId: f.threadId }),
		expects: ['deleteThread'],
	},
	{
		node: 'openAiThreads',
		operation: 'message.create',
		options: 'all, simplified',
		setup: openAiThreadWithRun,
		parameters: (f) => ({
			resource: 'message',
			operation: 'create',
			threadId: f.threadId,
			role: 'assistant',
			content: 'Notiz',
			fileIds: 'file-1, file-2',
			metadataJson: '{"note": "yes"}',
			simplify: true,
		}),
		expects: ['createMessage'],
	},
	{
		node: 'openAiThreads',
		operation: 'message.get',
		options: 'raw',
		setup: openAiThreadWithRun,
		parameters: (f) => ({
			resource: 'message',
			operation: 'get',
			threadId: f.threadId,
			messageId: f.firstMessageId,
			simplify: false,
		}),
		expects: ['getMessage'],
	},
	{
		node: 'openAiThreads',
		operation: 'message.getAll',
		options: 'return all, after, oldest first',
		setup: openAiThreadWithRun,
		parameters: (f) => ({
			resource: 'message',
			operation: 'getAll',
			threadId: f.threadId,
			returnAll: true,
			options: { after: f.firstMessageId, order: 'asc' },
		}),
		expects: ['listMessages'],
	},
	{
		node: 'openAiThreads',
		operation: 'message.getAll',
		options: 'run ID',
		setup: openAiThreadWithRun,
		parameters: (f) => ({
			resource: 'message',
			operation: 'getAll',
			threadId: f.threadId,
			returnAll: true,
			options: { runId: f.runId },
		}),
		expects: ['listMessages'],
	},
	{
		node: 'openAiThreads',
		operation: 'message.getAll',
		options: 'limit, before, newest first, raw',
		setup: openAiThreadWithRun,
		parameters: (f) => ({
			resource: 'message',
			operation: 'getAll',
			threadId: f.threadId,
			returnAll: false,
			limit: 1,
			simplify: false,
			options: { before: f.firstMessageId, order: 'desc' },
		}),
		expects: ['listMessages'],
	},
	...(['no', 'poll', 'stream'] as const).map(
		(mode): Case => ({
			node: 'openAiThreads',
			operation: 'run.create',
			options: `wait ${mode}, every run option`,
			setup: openAiThreadWithRun,
			parameters: (f) => ({
				resource: 'run',
				operation: 'create',
				threadId: f.threadId,
				assistantId: rl(sandbox.openai.ids.assistant),
				...openAiWait(mode),
				simplify: mode !== 'poll',
				runOptions: { ...runOptions, additionalInstructions: 'Und freundlich.' },
				...openAiRequestOptions,
			}),
			expects: ['createRun', ...(mode === 'poll' ? ['getRun', 'listMessages'] : [])],
			...(mode === 'stream' ? stream : {}),
		}),
	),
	...(['no', 'poll', 'stream'] as const).map(
		(mode): Case => ({
			node: 'openAiThreads',
			operation: 'run.createThreadAndRun',
			options: `wait ${mode}, every thread and run option`,
			parameters: () => ({
				resource: 'run',
				operation: 'createThreadAndRun',
				assistantId: rl(sandbox.openai.ids.assistant),
				...threadFields,
				toolResources: { codeInterpreterFileIds: 'file-3', newVectorStoreFileIds: 'file-6' },
				...openAiWait(mode),
				simplify: mode === 'no',
				runOptions,
			}),
			expects: ['createThreadAndRun'],
			...(mode === 'stream' ? stream : {}),
		}),
	),
	{
		node: 'openAiThreads',
		operation: 'run.get',
		options: 'raw',
		setup: openAiThreadWithRun,
		parameters: (f) => ({
			resource: 'run',
			operation: 'get',
			threadId: f.threadId,
			runId: rl(f.runId),
			simplify: false,
		}),
		expects: ['getRun'],
	},
	{
		node: 'openAiThreads',
		operation: 'run.getAll',
		options: 'return all',
		setup: openAiThreadWithRun,
		parameters: (f) => ({
			resource: 'run',
			operation: 'getAll',
			threadId: f.threadId,
			returnAll: true,
		}),
		expects: ['listRuns'],
	},
	{
		node: 'openAiThreads',
		operation: 'run.getAll',
		options: 'limit, raw',
		setup: openAiThreadWithRun,
		parameters: (f) => ({
			resource: 'run',
			operation: 'getAll',
			threadId: f.threadId,
			returnAll: false,
			limit: 1,
			simplify: false,
		}),
		expects: ['listRuns'],
	},
	{
		node: 'openAiThreads',
		operation: 'run.cancel',
		options: 'all',
		setup: openAiHangingRun,
		parameters: (f) => ({
			resource: 'run',
			operation: 'cancel',
			threadId: f.threadId,
			runId: rl(f.runId),
		}),
		expects: ['cancelRun'],
	},
	...(['no', 'poll', 'stream'] as const).map(
		(mode): Case => ({
			node: 'openAiThreads',
			operation: 'run.submitToolOutputs',
			options: `wait ${mode}`,
			setup: openAiToolRun,
			parameters: (f) => ({
				resource: 'run',
				operation: 'submitToolOutputs',
				threadId: f.threadId,
				runId: rl(f.runId),
				toolOutputs: { values: [{ toolCallId: f.callId, output: '21 °C' }] },
				...openAiWait(mode),
				simplify: false,
			}),
			expects: ['submitToolOuputsToRun'],
			...(mode === 'stream' ? stream : {}),
		}),
	),
	{
		node: 'openAiThreads',
		operation: 'listSearch.searchAssistants',
		options: 'filter',
		kind: 'listSearch',
		parameters: () => ({ method: 'searchAssistants', filter: 'Weather' }),
		expects: ['listAssistants'],
	},
	{
		node: 'openAiThreads',
		operation: 'listSearch.searchRuns',
		options: 'thread set',
		kind: 'listSearch',
		setup: openAiThreadWithRun,
		parameters: (f) => ({ method: 'searchRuns', threadId: f.threadId }),
		expects: ['listRuns'],
	},
];

const griptapeRunOptions = {
	additionalBodyJson: JSON.stringify({ additional_structure_ids: [UUIDS[9]] }),
	args: 'a, b',
	cancelOnTimeout: true,
	includeEvents: true,
	pollInterval: 0.05,
	stream: true,
	waitTimeout: 20,
	knowledgeBaseIds: `${UUIDS[0]}, ${UUIDS[1]}`,
	additionalKnowledgeBaseIds: UUIDS[2],
	rulesetIds: UUIDS[3],
	additionalRulesetIds: UUIDS[4],
	structureIds: UUIDS[5],
	toolIds: UUIDS[6],
	additionalToolIds: UUIDS[7],
	retrieverIds: UUIDS[8],
	additionalRetrieverIds: UUIDS[0],
};

const GRIPTAPE_CASES: Case[] = [
	{
		node: 'griptapeCloud',
		operation: 'assistant.getAll',
		options: 'return all',
		parameters: () => ({ resource: 'assistant', operation: 'getAll', returnAll: true }),
		expects: ['ListAssistants'],
	},
	{
		node: 'griptapeCloud',
		operation: 'assistant.getAll',
		options: 'limit',
		parameters: () => ({ resource: 'assistant', operation: 'getAll', returnAll: false, limit: 2 }),
		expects: ['ListAssistants'],
	},
	...(
		[
			['no', 'none'],
			['events', 'new'],
			['stream', 'existing'],
		] as const
	).map(
		([mode, threadMode]): Case => ({
			node: 'griptapeCloud',
			operation: 'assistantRun.create',
			options: `wait ${mode}, thread ${threadMode}, every option`,
			setup: griptapeFixture,
			parameters: (f) => ({
				resource: 'assistantRun',
				operation: 'create',
				assistantId: rl(f.assistantId),
				input: 'Wie geht es?',
				threadMode,
				...(threadMode === 'existing' ? { threadId: rl(f.threadId) } : {}),
				waitForCompletion: mode,
				simplify: mode === 'events',
				options: griptapeRunOptions,
			}),
			expects: [
				'CreateAssistantRun',
				...(mode === 'events'
					? ['ListAssistantEvents']
					: mode === 'stream'
						? ['GetAssistantRunEventsSSE']
						: []),
			],
		}),
	),
	{
		node: 'griptapeCloud',
		operation: 'assistantRun.get',
		options: 'raw',
		setup: griptapeFixture,
		parameters: (f) => ({
			resource: 'assistantRun',
			operation: 'get',
			assistantRunId: rl(f.runId),
			simplify: false,
		}),
		expects: ['GetAssistantRun'],
	},
	{
		node: 'griptapeCloud',
		operation: 'assistantRun.getAll',
		options: 'return all, statuses',
		setup: griptapeFixture,
		parameters: (f) => ({
			resource: 'assistantRun',
			operation: 'getAll',
			assistantId: rl(f.assistantId),
			returnAll: true,
			statuses: ['SUCCEEDED', 'FAILED'],
		}),
		expects: ['ListAssistantRuns'],
	},
	{
		node: 'griptapeCloud',
		operation: 'assistantRun.getAll',
		options: 'limit, raw',
		setup: griptapeFixture,
		parameters: (f) => ({
			resource: 'assistantRun',
			operation: 'getAll',
			assistantId: rl(f.assistantId),
			returnAll: false,
			limit: 1,
			simplify: false,
		}),
		expects: ['ListAssistantRuns'],
	},
	{
		node: 'griptapeCloud',
		operation: 'assistantRun.cancel',
		options: 'all',
		setup: griptapeHangingRun,
		parameters: (f) => ({
			resource: 'assistantRun',
			operation: 'cancel',
			assistantRunId: rl(f.runId),
		}),
		expects: ['CancelAssistantRun'],
	},
	{
		node: 'griptapeCloud',
		operation: 'event.getAll',
		options: 'assistant run, return all, offset',
		setup: griptapeFixture,
		parameters: (f) => ({
			resource: 'event',
			operation: 'getAll',
			source: 'assistantRun',
			runId: f.runId,
			returnAll: true,
			offset: 1,
		}),
		expects: ['ListAssistantEvents'],
	},
	{
		node: 'griptapeCloud',
		operation: 'event.getAll',
		options: 'structure run, limit',
		parameters: () => ({
			resource: 'event',
			operation: 'getAll',
			source: 'structureRun',
			runId: sandbox.griptape.ids.structureRunId,
			returnAll: false,
			limit: 2,
		}),
		expects: ['ListEvents'],
	},
	{
		node: 'griptapeCloud',
		operation: 'event.get',
		options: 'all',
		setup: griptapeFixture,
		parameters: (f) => ({ resource: 'event', operation: 'get', eventId: f.eventId }),
		expects: ['GetEvent'],
	},
	{
		node: 'griptapeCloud',
		operation: 'event.create',
		options: 'events with and without timestamp',
		parameters: () => ({
			resource: 'event',
			operation: 'create',
			structureRunId: sandbox.griptape.ids.structureRunId,
			eventsJson: JSON.stringify([
				{ type: 'UserEvent', payload: { a: 1 } },
				{ type: 'FinishStructureRunEvent', timestamp: 1736931700.5, payload: {} },
			]),
		}),
		expects: ['CreateEvents'],
	},
	{
		node: 'griptapeCloud',
		operation: 'event.collectStream',
		options: 'assistant run',
		setup: griptapeFixture,
		parameters: (f) => ({
			resource: 'event',
			operation: 'collectStream',
			source: 'assistantRun',
			runId: f.runId,
			duration: 10,
		}),
		expects: ['GetAssistantRunEventsSSE'],
	},
	{
		node: 'griptapeCloud',
		operation: 'event.collectStream',
		options: 'structure run, duration',
		parameters: () => ({
			resource: 'event',
			operation: 'collectStream',
			source: 'structureRun',
			runId: sandbox.griptape.ids.structureRunId,
			duration: 1,
		}),
		expects: ['GetStructureRunEventsSSE'],
	},
	{
		node: 'griptapeCloud',
		operation: 'thread.create',
		options: 'alias, messages, metadata',
		parameters: () => ({
			resource: 'thread',
			operation: 'create',
			name: 'Support 42',
			additionalFields: {
				alias: 'ticket-42',
				messagesJson: JSON.stringify([
					{
						input: '{"type": "TextArtifact", "value": "Hi"}',
						output: '{"type": "TextArtifact", "value": "Hallo"}',
						metadata: { k: 1 },
					},
				]),
				metadataJson: '{"ticket": 42}',
			},
		}),
		expects: ['CreateThread'],
	},
	{
		node: 'griptapeCloud',
		operation: 'thread.get',
		options: 'all',
		setup: griptapeFixture,
		parameters: (f) => ({ resource: 'thread', operation: 'get', threadId: rl(f.threadId) }),
		expects: ['GetThread'],
	},
	{
		node: 'griptapeCloud',
		operation: 'thread.getAll',
		options: 'return all, every filter',
		setup: griptapeFixture,
		parameters: () => ({
			resource: 'thread',
			operation: 'getAll',
			returnAll: true,
			filters: { alias: 'ticket-1', createdBy: sandbox.griptape.ids.userIds[0], startsWith: 'Ge' },
		}),
		expects: ['ListThreads'],
	},
	{
		node: 'griptapeCloud',
		operation: 'thread.getAll',
		options: 'limit',
		setup: griptapeFixture,
		parameters: () => ({ resource: 'thread', operation: 'getAll', returnAll: false, limit: 1 }),
		expects: ['ListThreads'],
	},
	{
		node: 'griptapeCloud',
		operation: 'thread.update',
		options: 'every field',
		setup: griptapeFixture,
		parameters: (f) => ({
			resource: 'thread',
			operation: 'update',
			threadId: rl(f.threadId),
			updateFields: {
				alias: 'ticket-2',
				messagesJson: JSON.stringify([{ input: 'a', output: 'b' }]),
				metadataJson: '{"x": 1}',
				name: 'Neu',
			},
		}),
		expects: ['UpdateThread'],
	},
	{
		node: 'griptapeCloud',
		operation: 'thread.delete',
		options: 'all',
		setup: griptapeFixture,
		parameters: (f) => ({ resource: 'thread', operation: 'delete', threadId: rl(f.threadId) }),
		expects: ['DeleteThread'],
	},
	{
		node: 'griptapeCloud',
		operation: 'message.create',
		options: 'text and artifact, metadata',
		setup: griptapeFixture,
		parameters: (f) => ({
			resource: 'message',
			operation: 'create',
			threadId: rl(f.threadId),
			input: 'Frage',
			output: '{"type": "TextArtifact", "value": "Antwort", "meta": {}}',
			additionalFields: { metadataJson: '{"k": "v"}' },
		}),
		expects: ['CreateMessage'],
	},
	{
		node: 'griptapeCloud',
		operation: 'message.getAll',
		options: 'return all',
		setup: griptapeFixture,
		parameters: (f) => ({
			resource: 'message',
			operation: 'getAll',
			threadId: rl(f.threadId),
			returnAll: true,
		}),
		expects: ['ListMessages'],
	},
	{
		node: 'griptapeCloud',
		operation: 'message.getAll',
		options: 'limit',
		setup: griptapeFixture,
		parameters: (f) => ({
			resource: 'message',
			operation: 'getAll',
			threadId: rl(f.threadId),
			returnAll: false,
			limit: 1,
		}),
		expects: ['ListMessages'],
	},
	{
		node: 'griptapeCloud',
		operation: 'apiKey.create',
		options: 'organization',
		parameters: () => ({
			resource: 'apiKey',
			operation: 'create',
			owner: 'organization',
			organizationId: sandbox.griptape.ids.organizationId,
			name: 'Neu',
		}),
		expects: ['CreateOrganizationApiKey'],
	},
	{
		node: 'griptapeCloud',
		operation: 'apiKey.create',
		options: 'user',
		parameters: () => ({
			resource: 'apiKey',
			operation: 'create',
			owner: 'user',
			userId: sandbox.griptape.ids.userIds[1],
			name: 'Neu',
		}),
		expects: ['CreateApiKey'],
	},
	{
		node: 'griptapeCloud',
		operation: 'apiKey.get',
		options: 'all',
		setup: griptapeFixture,
		parameters: (f) => ({ resource: 'apiKey', operation: 'get', apiKeyId: f.apiKeyId }),
		expects: ['GetApiKey'],
	},
	{
		node: 'griptapeCloud',
		operation: 'apiKey.getAll',
		options: 'organization, return all',
		parameters: () => ({
			resource: 'apiKey',
			operation: 'getAll',
			owner: 'organization',
			organizationId: sandbox.griptape.ids.organizationId,
			returnAll: true,
		}),
		expects: ['ListOrganizationApiKeys'],
	},
	{
		node: 'griptapeCloud',
		operation: 'apiKey.getAll',
		options: 'user, limit',
		parameters: () => ({
			resource: 'apiKey',
			operation: 'getAll',
			owner: 'user',
			userId: sandbox.griptape.ids.userIds[0],
			returnAll: false,
			limit: 1,
		}),
		expects: ['ListApiKeys'],
	},
	{
		node: 'griptapeCloud',
		operation: 'apiKey.update',
		options: 'all',
		setup: griptapeFixture,
		parameters: (f) => ({
			resource: 'apiKey',
			operation: 'update',
			apiKeyId: f.apiKeyId,
			name: 'Umbenannt',
		}),
		expects: ['UpdateApiKey'],
	},
	{
		node: 'griptapeCloud',
		operation: 'apiKey.delete',
		options: 'all',
		setup: griptapeFixture,
		parameters: (f) => ({ resource: 'apiKey', operation: 'delete', apiKeyId: f.apiKeyId }),
		expects: ['DeleteApiKey'],
	},
	{
		node: 'griptapeCloud',
		operation: 'user.getAll',
		options: 'return all',
		parameters: () => ({ resource: 'user', operation: 'getAll', returnAll: true }),
		expects: ['ListUsers'],
	},
	{
		node: 'griptapeCloud',
		operation: 'user.getAll',
		options: 'limit',
		parameters: () => ({ resource: 'user', operation: 'getAll', returnAll: false, limit: 1 }),
		expects: ['ListUsers'],
	},
	{
		node: 'griptapeCloud',
		operation: 'listSearch.searchAssistants',
		options: 'filter',
		kind: 'listSearch',
		parameters: () => ({ method: 'searchAssistants', filter: 'Support' }),
		expects: ['ListAssistants'],
	},
	{
		node: 'griptapeCloud',
		operation: 'listSearch.searchThreads',
		options: 'filter',
		kind: 'listSearch',
		setup: griptapeFixture,
		parameters: () => ({ method: 'searchThreads', filter: 'Ge' }),
		expects: ['ListThreads'],
	},
	{
		node: 'griptapeCloud',
		operation: 'listSearch.searchAssistantRuns',
		options: 'filter',
		kind: 'listSearch',
		setup: griptapeFixture,
		parameters: () => ({ method: 'searchAssistantRuns', filter: 'Hallo' }),
		expects: ['ListAssistants', 'ListAssistantRuns'],
	},
	{
		node: 'griptapeCloudTrigger',
		operation: 'poll.runEvent',
		options: 'event types, from the beginning',
		kind: 'poll',
		setup: griptapeFixture,
		parameters: (f) => ({
			event: 'runEvent',
			assistantRunId: rl(f.runId),
			eventTypes: 'TextChunkEvent, FinishStructureRunEvent',
			startFrom: 'beginning',
		}),
		expects: ['ListAssistantEvents'],
	},
	{
		node: 'griptapeCloudTrigger',
		operation: 'poll.runFinished',
		options: 'statuses',
		kind: 'poll',
		setup: griptapeFixture,
		parameters: (f) => ({
			event: 'runFinished',
			assistantId: rl(f.assistantId),
			statuses: ['SUCCEEDED', 'FAILED'],
		}),
		expects: ['ListAssistantRuns'],
	},
];

const haufeAnswerOptions = {
	licenceId: 'LIC-1',
	additionalBodyJson: '{"meta_data": {"user_data": {"department": "HR"}}}',
	options: { includeRequest: true },
};

const HAUFE_CASES: Case[] = [
	{
		node: 'haufeCopilot',
		operation: 'assistant.getAll',
		options: 'all',
		parameters: () => ({ resource: 'assistant', operation: 'getAll', returnAll: true }),
		expects: ['listAssistants'],
	},
	{
		node: 'haufeCopilot',
		operation: 'assistant.get',
		options: 'all',
		parameters: () => ({
			resource: 'assistant',
			operation: 'get',
			assistantId: rl(sandbox.haufe.assistantIds.hr),
		}),
		expects: ['getAssistant'],
	},
	{
		node: 'haufeCopilot',
		operation: 'thread.create',
		options: 'title, user',
		parameters: () => ({
			resource: 'thread',
			operation: 'create',
			assistantId: rl(sandbox.haufe.assistantIds.hr),
			title: 'Neu',
			userId: USER_ID,
		}),
		expects: ['createThread'],
	},
	{
		node: 'haufeCopilot',
		operation: 'thread.get',
		options: 'all',
		setup: haufeFixture,
		parameters: (f) => ({ resource: 'thread', operation: 'get', threadId: rl(f.threadId) }),
		expects: ['getThread'],
	},
	{
		node: 'haufeCopilot',
		operation: 'thread.getAll',
		options: 'return all, every filter',
		setup: haufeFixture,
		parameters: () => ({
			resource: 'thread',
			operation: 'getAll',
			returnAll: true,
			filters: { includeDeleted: true, userId: USER_ID },
		}),
		expects: ['listThreads'],
	},
	{
		node: 'haufeCopilot',
		operation: 'thread.getAll',
		options: 'limit',
		setup: haufeFixture,
		parameters: () => ({ resource: 'thread', operation: 'getAll', returnAll: false, limit: 1 }),
		expects: ['listThreads'],
	},
	{
		node: 'haufeCopilot',
		operation: 'thread.delete',
		options: 'all',
		setup: haufeFixture,
		parameters: (f) => ({ resource: 'thread', operation: 'delete', threadId: rl(f.threadId) }),
		expects: ['deleteThread'],
	},
	{
		node: 'haufeCopilot',
		operation: 'message.create',
		options: 'assistant with tool call id',
		setup: haufeFixture,
		parameters: (f) => ({
			resource: 'message',
			operation: 'create',
			threadId: rl(f.threadId),
			role: 'assistant',
			content: 'Rufe ein Werkzeug',
			toolCallId: 'call_1',
		}),
		expects: ['createMessage'],
	},
	{
		node: 'haufeCopilot',
		operation: 'message.create',
		options: 'system (looks first)',
		setup: haufeEmptyThread,
		parameters: (f) => ({
			resource: 'message',
			operation: 'create',
			threadId: rl(f.threadId),
			role: 'system',
			content: 'Du bist knapp.',
		}),
		expects: ['listMessages', 'createMessage'],
	},
	{
		node: 'haufeCopilot',
		operation: 'message.getAll',
		options: 'return all, oldest first',
		setup: haufeFixture,
		parameters: (f) => ({
			resource: 'message',
			operation: 'getAll',
			threadId: rl(f.threadId),
			returnAll: true,
			order: 'oldestFirst',
		}),
		expects: ['listMessages'],
	},
	{
		node: 'haufeCopilot',
		operation: 'message.getAll',
		options: 'limit, newest first',
		setup: haufeFixture,
		parameters: (f) => ({
			resource: 'message',
			operation: 'getAll',
			threadId: rl(f.threadId),
			returnAll: false,
			limit: 1,
			order: 'newestFirst',
		}),
		expects: ['listMessages'],
	},
	{
		node: 'haufeCopilot',
		operation: 'message.delete',
		options: 'all',
		setup: haufeFixture,
		parameters: (f) => ({
			resource: 'message',
			operation: 'delete',
			threadId: rl(f.threadId),
			messageId: f.messageId,
		}),
		expects: ['deleteMessage'],
	},
	{
		node: 'haufeCopilot',
		operation: 'run.run',
		options: 'licence, extra body, include request',
		setup: haufeFixture,
		parameters: (f) => ({
			resource: 'run',
			operation: 'run',
			threadId: rl(f.threadId),
			...haufeAnswerOptions,
		}),
		expects: ['createRun'],
	},
	{
		node: 'haufeCopilot',
		operation: 'run.stream',
		options: 'licence, extra body, include request, stream sources',
		setup: haufeFixture,
		parameters: (f) => ({
			resource: 'run',
			operation: 'stream',
			threadId: rl(f.threadId),
			...haufeAnswerOptions,
			options: { includeRequest: true, streamSources: true },
		}),
		expects: ['createRunStream'],
		...stream,
	},
	{
		node: 'haufeCopilot',
		operation: 'chatCompletion.create',
		options: 'every field, stored in a thread',
		setup: haufeFixture,
		parameters: (f) => ({
			resource: 'chatCompletion',
			operation: 'create',
			assistantId: rl(sandbox.haufe.assistantIds.hr),
			messages: {
				values: [
					{ role: 'system', content: 'Knapp.' },
					{ role: 'user', content: 'Frage' },
					{ role: 'assistant', content: 'Antwort' },
					{ role: 'user', content: 'Noch eine' },
				],
			},
			threadId: f.threadId,
			userId: USER_ID,
			...haufeAnswerOptions,
		}),
		expects: ['createChatCompletion'],
	},
	{
		node: 'haufeCopilot',
		operation: 'chatCompletion.stream',
		options: 'every field',
		parameters: () => ({
			resource: 'chatCompletion',
			operation: 'stream',
			assistantId: rl(sandbox.haufe.assistantIds.hr),
			messages: { values: [{ role: 'user', content: 'Frage' }] },
			userId: USER_ID,
			...haufeAnswerOptions,
			options: { includeRequest: true, streamSources: true },
		}),
		expects: ['createChatCompletionStream'],
		...stream,
	},
	...([false, true] as const).map(
		(streamed): Case => ({
			node: 'haufeCopilot',
			operation: 'question.ask',
			options: `${streamed ? 'streamed' : 'plain'}, new thread, every option`,
			parameters: () => ({
				resource: 'question',
				operation: 'ask',
				assistantId: rl(sandbox.haufe.assistantIds.hr),
				question: 'Wie lang ist die Probezeit?',
				licenceId: 'LIC-1',
				userId: USER_ID,
				options: {
					additionalBodyJson: '{"meta_data": {"user_data": {"department": "HR"}}}',
					concurrency: 2,
					streamed,
					streamSources: true,
					title: 'Probezeit',
				},
			}),
			expects: ['createThread', 'createMessage', streamed ? 'createRunStream' : 'createRun'],
			...(streamed ? stream : {}),
		}),
	),
	{
		node: 'haufeCopilot',
		operation: 'question.ask',
		options: 'existing thread',
		setup: haufeFixture,
		parameters: (f) => ({
			resource: 'question',
			operation: 'ask',
			assistantId: rl(sandbox.haufe.assistantIds.hr),
			question: 'Und danach?',
			threadId: f.threadId,
			licenceId: 'LIC-1',
		}),
		expects: ['createMessage', 'createRun'],
	},
	{
		node: 'haufeCopilot',
		operation: 'file.upload',
		options: 'user, persist, wait until processed',
		parameters: () => ({
			resource: 'file',
			operation: 'upload',
			binaryPropertyName: 'data',
			persist: true,
			userId: USER_ID,
			options: { pollInterval: 0.05, processingTimeout: 20, waitForProcessing: true },
		}),
		run: {
			items: [
				{
					json: {},
					binary: {
						data: {
							data: Buffer.from('Urlaub: 30 Tage').toString('base64'),
							mimeType: 'text/plain',
							fileName: 'notes.txt',
						},
					},
				} as INodeExecutionData,
			],
		},
		expects: ['createSignedUrl', 'getFileStatus'],
	},
	{
		node: 'haufeCopilot',
		operation: 'file.upload',
		options: 'not persisted, no wait',
		parameters: () => ({
			resource: 'file',
			operation: 'upload',
			binaryPropertyName: 'data',
			persist: false,
			options: { waitForProcessing: false },
		}),
		run: {
			items: [
				{
					json: {},
					binary: {
						data: {
							data: Buffer.from('a,b').toString('base64'),
							mimeType: 'text/csv',
							fileName: 'table.csv',
						},
					},
				} as INodeExecutionData,
			],
		},
		expects: ['createSignedUrl'],
	},
	{
		node: 'haufeCopilot',
		operation: 'file.getStatus',
		options: 'all',
		setup: haufeFixture,
		parameters: (f) => ({ resource: 'file', operation: 'getStatus', fileId: f.fileId }),
		expects: ['getFileStatus'],
	},
	{
		node: 'haufeCopilot',
		operation: 'file.get',
		options: 'all',
		setup: haufeFixture,
		parameters: (f) => ({ resource: 'file', operation: 'get', fileId: f.fileId }),
		expects: ['getFile'],
	},
	{
		node: 'haufeCopilot',
		operation: 'file.getAll',
		options: 'return all',
		setup: haufeFixture,
		parameters: () => ({ resource: 'file', operation: 'getAll', returnAll: true }),
		expects: ['listFiles'],
	},
	{
		node: 'haufeCopilot',
		operation: 'file.getAll',
		options: 'limit',
		setup: haufeFixture,
		parameters: () => ({ resource: 'file', operation: 'getAll', returnAll: false, limit: 1 }),
		expects: ['listFiles'],
	},
	{
		node: 'haufeCopilot',
		operation: 'listSearch.searchAssistants',
		options: 'filter',
		kind: 'listSearch',
		parameters: () => ({ method: 'searchAssistants', filter: 'HR' }),
		expects: ['listAssistants'],
	},
	{
		node: 'haufeCopilot',
		operation: 'listSearch.searchThreads',
		options: 'filter',
		kind: 'listSearch',
		setup: haufeFixture,
		parameters: () => ({ method: 'searchThreads', filter: 'Probe' }),
		expects: ['listThreads'],
	},
];

function credentials(node: NodeType): RunNodeOptions['credentials'] {
	if (node === 'openAiThreads') {
		return {
			openAiThreadsApi: {
				baseUrl: sandbox.openai.baseUrl,
				apiKey: 'sandbox-openai-key',
				organization: 'org-n8n',
				project: 'proj-n8n',
			},
		};
	}
	if (node === 'haufeCopilot') {
		return {
			haufeCopilotApi: {
				baseUrl: sandbox.haufe.baseUrl,
				apiKey: 'sandbox-haufe-key',
				licenceId: 'LIC-CRED',
				userId: USER_ID,
			},
		};
	}
	return {
		griptapeCloudApi: { baseUrl: sandbox.griptape.baseUrl, apiKey: 'sandbox-griptape-key' },
	};
}

async function runCase(testCase: Case, fixture: Fixture): Promise<void> {
	const parameters = testCase.parameters(fixture);
	const base = { type: testCase.node, credentials: credentials(testCase.node) };
	if (testCase.kind === 'listSearch') {
		const { method, filter, ...rest } = parameters;
		const result = await runListSearch({
			...base,
			parameters: rest,
			method: String(method),
			filter: filter as string | undefined,
		});
		expect(result.results.length).toBeGreaterThan(0);
		return;
	}
	if (testCase.kind === 'poll') {
		const result = await runPoll({ ...base, parameters, mode: 'manual' });
		expect(result.error).toBeUndefined();
		return;
	}
	const result = await runNode({ ...base, parameters, ...testCase.run });
	expect(result.error).toBeUndefined();
	expect(result.items.length).toBeGreaterThan(0);
}

const CASES = [...OPENAI_CASES, ...GRIPTAPE_CASES, ...HAUFE_CASES];

describe.each([
	['OpenAI-compatible Threads', OPENAI_CASES],
	['Griptape Cloud (and its trigger)', GRIPTAPE_CASES],
	['Haufe Copilot', HAUFE_CASES],
])('%s: every request is spec-valid', (_name, cases) => {
	it.each(cases.map((c) => [`${c.operation} (${c.options})`, c] as const))(
		'%s',
		async (_label, testCase) => {
			const fixture: Fixture = testCase.setup ? await testCase.setup() : {};
			const from = sandbox.requests.length;
			await runCase(testCase, fixture);
			const sent = sandbox.requests.slice(from);
			const findings = expectSpecClean(sandbox, sent);
			for (const operation of testCase.expects) expect(findings.operations).toContain(operation);
		},
	);
});

it('covers every operation of the three nodes', () => {
	const covered = (node: NodeType) =>
		new Set(CASES.filter((c) => c.node === node && !c.kind).map((c) => c.operation));
	const { resources: openAiResources } = jest.requireActual(
		'../../nodes/OpenAiThreads/actions/router',
	);
	const { resources: griptapeResources } = jest.requireActual(
		'../../nodes/GriptapeCloud/actions/router',
	);
	const { resources: haufeResources } = jest.requireActual(
		'../../nodes/HaufeCopilot/actions/router',
	);
	const all = (resources: Record<string, { operations: Record<string, unknown> }>) =>
		Object.entries(resources).flatMap(([resource, { operations }]) =>
			Object.keys(operations).map((operation) => `${resource}.${operation}`),
		);
	expect([...covered('openAiThreads')].sort()).toEqual(all(openAiResources).sort());
	expect([...covered('griptapeCloud')].sort()).toEqual(all(griptapeResources).sort());
	expect([...covered('haufeCopilot')].sort()).toEqual(all(haufeResources).sort());
});

describe('the check catches what the documents do not allow', () => {
	it('an old workflow that set Additional Instructions on Create Thread and Run no longer sends them', async () => {
		const result = await runNode({
			type: 'openAiThreads',
			credentials: credentials('openAiThreads'),
			parameters: {
				resource: 'run',
				operation: 'createThreadAndRun',
				assistantId: rl(sandbox.openai.ids.assistant),
				// A new thread needs a message (none is refused before any request).
				messages: { values: [{ role: 'user', content: 'Hallo' }] },
				waitForCompletion: 'no',
				runOptions: { additionalInstructions: 'Sei kurz.' },
			},
		});
		expect(result.error).toBeUndefined();
		expect(
			sandbox.openai.state.runs.get(String(result.items[0].json.id))?.instructions,
		).not.toContain('Sei kurz.');
		expectSpecClean(sandbox);
	});

	it('a field the endpoint does not take is refused by the node, naming it, before anything is sent', async () => {
		const result = await runNode({
			type: 'openAiThreads',
			credentials: credentials('openAiThreads'),
			parameters: {
				resource: 'run',
				operation: 'createThreadAndRun',
				assistantId: rl(sandbox.openai.ids.assistant),
				runOptions: { additionalBodyJson: '{"additional_instructions": "x"}' },
			},
		});
		expect(result.error?.message).toBe(
			'"Run Options > Additional Body (JSON)" has "additional_instructions", which creating a thread and run does not take',
		);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('a value the document forbids is rejected by the sandbox in the vendor shape, and shows up as rejected', async () => {
		const thread = await openai('POST', '/threads', { messages: [{ role: 'user', content: 'x' }] });
		const from = sandbox.requests.length;
		const result = await runNode({
			type: 'openAiThreads',
			credentials: credentials('openAiThreads'),
			parameters: {
				resource: 'run',
				operation: 'create',
				threadId: thread.id,
				assistantId: rl(sandbox.openai.ids.assistant),
				runOptions: { additionalBodyJson: '{"temperature": 3}' },
			},
		});
		expect(result.error?.message).toBe(
			"Assistants API error decimal_above_max_value (HTTP 400): Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
		);
		const findings = specFindings(sandbox, sandbox.requests.slice(from));
		expect(findings.rejected).toEqual([
			expect.stringMatching(/\/runs: temperature maximum must be <= 2$/),
		]);
	});

	it('a field the document does not name (open schema) is accepted but reported as undocumented', async () => {
		const result = await runNode({
			type: 'griptapeCloud',
			credentials: credentials('griptapeCloud'),
			parameters: {
				resource: 'assistantRun',
				operation: 'create',
				assistantId: rl(sandbox.griptape.ids.assistants[0]),
				input: 'x',
				waitForCompletion: 'no',
				options: { additionalBodyJson: '{"temperature": 1}' },
			},
		});
		expect(result.error).toBeUndefined();
		expect(specFindings(sandbox).undocumented).toEqual([
			expect.stringMatching(/field 'temperature' is not in the griptape document$/),
		]);
	});

	it('Haufe: a chat completion field the docs do not list is refused (FastAPI 422); a run takes tool configuration, as the docs say', async () => {
		const chat = await runNode({
			type: 'haufeCopilot',
			credentials: credentials('haufeCopilot'),
			parameters: {
				resource: 'chatCompletion',
				operation: 'create',
				assistantId: rl(sandbox.haufe.assistantIds.hr),
				messages: { values: [{ role: 'user', content: 'Frage' }] },
				additionalBodyJson: '{"tools": {"web_search": false}}',
			},
		});
		expect(chat.error?.message).toMatch(/HTTP 422/);
		expect(specFindings(sandbox).rejected).toEqual([
			expect.stringMatching(/\/chat\/completions: tools additionalProperties/),
		]);
		sandbox.reset();
		const { threadId } = await haufeFixture();
		const from = sandbox.requests.length;
		const run = await runNode({
			type: 'haufeCopilot',
			credentials: credentials('haufeCopilot'),
			parameters: {
				resource: 'run',
				operation: 'run',
				threadId: rl(threadId),
				additionalBodyJson: '{"tools": {"web_search": false}}',
			},
		});
		expect(run.error).toBeUndefined();
		expectSpecClean(sandbox, sandbox.requests.slice(from));
	});
});
