/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The ID table: for every operation that takes an ID, values that are not IDs (empty,
 * whitespace, `.` and `..`) are refused before anything is sent, naming the field; every other
 * value, however odd, travels as exactly one path segment (or, for IDs sent in the body, as
 * the value itself), so that no value can steer a request to another path. Observed at the
 * fault proxy, which sees each request target exactly as the client sent it.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox';
import { runNode, runPoll } from '../helpers/n8n-harness';
import {
	agentCredentials,
	agentSession,
	fileItem,
	griptapeCredentials,
	haufeCredentials,
	locator,
	openaiCredentials,
} from './fixtures';
import type { ProxyEntry } from './proxy';
import { FaultProxy } from './proxy';
import { useSuiteSandbox } from './suite';

const sandbox = useSuiteSandbox({ haufe: { rateLimits: null } });
let session = '';
beforeAll(async () => {
	session = await agentSession(sandbox());
});

/** Refused before sending, naming the field. */
const REFUSED = ['', '   ', '\t', '.', '..', ' .. ', '\t.\t'];
/** Each one path segment, whatever it holds. */
const ODD = [
	'../x',
	'x/..',
	'a/b',
	'..%2F..',
	'%2e%2e',
	'.%2E',
	'?x=1',
	'#frag',
	'a b',
	'ü-id',
	'...',
	'.hidden',
	'..\\..',
	'%00',
];

type NodeKey = 'haufe' | 'griptape' | 'griptapeTrigger' | 'openai' | 'agentChat';

interface IdCase {
	node: NodeKey;
	operation: string;
	/** The field's label, as errors name it. */
	label: string;
	/** The node's parameters with `value` as the ID under test. */
	parameters(value: string): IDataObject;
	/** Where the ID goes: into a path (given the path prefix before it) or into the body (its key). */
	path?: string;
	bodyKey?: string;
	binary?: boolean;
	/** An optional ID: empty means "none" (e.g. a new thread), only dot segments are refused. */
	optional?: boolean;
	/** Requests to this path prefix come first and do not carry the ID (the assistant's required fields). */
	preflight?: string;
	/** The API takes only UUIDs here: any other value is refused before sending, naming the field. */
	uuid?: boolean;
}

const rl = locator;
const HAUFE = '/haufe/agents/v1';
const GRIPTAPE = '/griptape/api';
const OPENAI = '/openai/v1';
const T = 'fixed-thread';
const R = 'fixed-run';
const json = (value: string) => ({ content: 'Frage', role: 'user', threadId: rl(value) });

const CASES: IdCase[] = [
	// Haufe Copilot
	{
		node: 'haufe',
		operation: 'assistant: get',
		label: 'Assistant',
		parameters: (v) => ({ resource: 'assistant', operation: 'get', assistantId: rl(v) }),
		path: `${HAUFE}/assistants/`,
	},
	{
		node: 'haufe',
		operation: 'chatCompletion: create',
		label: 'Assistant',
		parameters: (v) => ({
			resource: 'chatCompletion',
			operation: 'create',
			assistantId: rl(v),
			messages: { values: [{ role: 'user', content: 'Frage' }] },
		}),
		// Its first request reads the assistant's required fields (then the sandbox's 404 ends it).
		path: `${HAUFE}/assistants/`,
	},
	{
		node: 'haufe',
		operation: 'file: get',
		label: 'File ID',
		parameters: (v) => ({ resource: 'file', operation: 'get', fileId: v }),
		path: `${HAUFE}/files/`,
	},
	{
		node: 'haufe',
		operation: 'file: getStatus',
		label: 'File ID',
		parameters: (v) => ({ resource: 'file', operation: 'getStatus', fileId: v }),
		path: `${HAUFE}/files/`,
	},
	{
		node: 'haufe',
		operation: 'message: create',
		label: 'Thread',
		parameters: (v) => ({ resource: 'message', operation: 'create', ...json(v) }),
		path: `${HAUFE}/threads/`,
	},
	{
		node: 'haufe',
		operation: 'message: delete (thread)',
		label: 'Thread',
		parameters: (v) => ({
			resource: 'message',
			operation: 'delete',
			threadId: rl(v),
			messageId: 'm1',
		}),
		path: `${HAUFE}/threads/`,
	},
	{
		node: 'haufe',
		operation: 'message: delete (message)',
		label: 'Message ID',
		parameters: (v) => ({
			resource: 'message',
			operation: 'delete',
			threadId: rl(T),
			messageId: v,
		}),
		path: `${HAUFE}/threads/${T}/messages/`,
	},
	{
		node: 'haufe',
		operation: 'message: getAll',
		label: 'Thread',
		parameters: (v) => ({
			resource: 'message',
			operation: 'getAll',
			threadId: rl(v),
			returnAll: true,
		}),
		path: `${HAUFE}/threads/`,
	},
	{
		node: 'haufe',
		operation: 'question: ask (thread)',
		label: 'Thread ID',
		parameters: (v) => ({
			resource: 'question',
			operation: 'ask',
			assistantId: rl(sandbox().haufe.assistantIds.hr),
			question: 'Frage',
			threadId: v,
		}),
		path: `${HAUFE}/threads/`,
		preflight: `${HAUFE}/assistants/`,
		optional: true,
	},
	{
		node: 'haufe',
		operation: 'question: ask (assistant)',
		label: 'Assistant',
		parameters: (v) => ({
			resource: 'question',
			operation: 'ask',
			assistantId: rl(v),
			question: 'Frage',
		}),
		// Its first request reads the assistant's required fields (then the sandbox's 404 ends it).
		path: `${HAUFE}/assistants/`,
	},
	{
		node: 'haufe',
		operation: 'run: run',
		label: 'Thread',
		parameters: (v) => ({ resource: 'run', operation: 'run', threadId: rl(v) }),
		path: `${HAUFE}/threads/`,
	},
	{
		node: 'haufe',
		operation: 'run: stream',
		label: 'Thread',
		parameters: (v) => ({ resource: 'run', operation: 'stream', threadId: rl(v) }),
		path: `${HAUFE}/threads/`,
	},
	{
		node: 'haufe',
		operation: 'thread: create',
		label: 'Assistant',
		parameters: (v) => ({ resource: 'thread', operation: 'create', assistantId: rl(v) }),
		bodyKey: 'assistant_id',
	},
	{
		node: 'haufe',
		operation: 'thread: delete',
		label: 'Thread',
		parameters: (v) => ({ resource: 'thread', operation: 'delete', threadId: rl(v) }),
		path: `${HAUFE}/threads/`,
	},
	{
		node: 'haufe',
		operation: 'thread: get',
		label: 'Thread',
		parameters: (v) => ({ resource: 'thread', operation: 'get', threadId: rl(v) }),
		path: `${HAUFE}/threads/`,
	},
	// Griptape Cloud
	{
		node: 'griptape',
		operation: 'apiKey: create',
		label: 'Organization ID',
		parameters: (v) => ({
			resource: 'apiKey',
			operation: 'create',
			owner: 'organization',
			organizationId: v,
			name: 'k',
		}),
		path: `${GRIPTAPE}/organizations/`,
	},
	{
		node: 'griptape',
		operation: 'apiKey: getAll',
		label: 'User ID',
		parameters: (v) => ({
			resource: 'apiKey',
			operation: 'getAll',
			owner: 'user',
			userId: v,
			returnAll: true,
		}),
		path: `${GRIPTAPE}/users/`,
	},
	{
		node: 'griptape',
		operation: 'apiKey: delete',
		label: 'API Key ID',
		parameters: (v) => ({ resource: 'apiKey', operation: 'delete', apiKeyId: v }),
		path: `${GRIPTAPE}/api-keys/`,
	},
	{
		node: 'griptape',
		operation: 'apiKey: get',
		label: 'API Key ID',
		parameters: (v) => ({ resource: 'apiKey', operation: 'get', apiKeyId: v }),
		path: `${GRIPTAPE}/api-keys/`,
	},
	{
		node: 'griptape',
		operation: 'apiKey: update',
		label: 'API Key ID',
		parameters: (v) => ({ resource: 'apiKey', operation: 'update', apiKeyId: v, name: 'k' }),
		path: `${GRIPTAPE}/api-keys/`,
	},
	{
		node: 'griptape',
		operation: 'assistantRun: cancel',
		label: 'Assistant Run',
		parameters: (v) => ({ resource: 'assistantRun', operation: 'cancel', assistantRunId: rl(v) }),
		path: `${GRIPTAPE}/assistant-runs/`,
	},
	{
		node: 'griptape',
		operation: 'assistantRun: create (assistant)',
		label: 'Assistant',
		parameters: (v) => ({
			resource: 'assistantRun',
			operation: 'create',
			assistantId: rl(v),
			// A run needs its input (an empty one is refused before any request).
			input: 'Hallo',
			waitForCompletion: 'no',
		}),
		path: `${GRIPTAPE}/assistants/`,
	},
	{
		node: 'griptape',
		operation: 'assistantRun: create (thread)',
		label: 'Thread',
		parameters: (v) => ({
			resource: 'assistantRun',
			operation: 'create',
			assistantId: rl('a1'),
			threadMode: 'existing',
			threadId: rl(v),
			waitForCompletion: 'no',
		}),
		bodyKey: 'thread_id',
		uuid: true,
	},
	{
		node: 'griptape',
		operation: 'assistantRun: get',
		label: 'Assistant Run',
		parameters: (v) => ({ resource: 'assistantRun', operation: 'get', assistantRunId: rl(v) }),
		path: `${GRIPTAPE}/assistant-runs/`,
	},
	{
		node: 'griptape',
		operation: 'assistantRun: getAll',
		label: 'Assistant',
		parameters: (v) => ({
			resource: 'assistantRun',
			operation: 'getAll',
			assistantId: rl(v),
			returnAll: true,
		}),
		path: `${GRIPTAPE}/assistants/`,
	},
	{
		node: 'griptape',
		operation: 'event: collectStream',
		label: 'Run ID',
		parameters: (v) => ({
			resource: 'event',
			operation: 'collectStream',
			source: 'assistantRun',
			runId: v,
			duration: 1,
		}),
		path: `${GRIPTAPE}/assistant-runs/`,
	},
	{
		node: 'griptape',
		operation: 'event: create',
		label: 'Structure Run ID',
		parameters: (v) => ({
			resource: 'event',
			operation: 'create',
			structureRunId: v,
			eventsJson: '[{"type": "UserEvent", "payload": {}}]',
		}),
		path: `${GRIPTAPE}/structure-runs/`,
	},
	{
		node: 'griptape',
		operation: 'event: get',
		label: 'Event ID',
		parameters: (v) => ({ resource: 'event', operation: 'get', eventId: v }),
		path: `${GRIPTAPE}/events/`,
	},
	{
		node: 'griptape',
		operation: 'event: getAll',
		label: 'Run ID',
		parameters: (v) => ({
			resource: 'event',
			operation: 'getAll',
			source: 'structureRun',
			runId: v,
			returnAll: true,
		}),
		path: `${GRIPTAPE}/structure-runs/`,
	},
	{
		node: 'griptape',
		operation: 'message: create',
		label: 'Thread',
		parameters: (v) => ({
			resource: 'message',
			operation: 'create',
			threadId: rl(v),
			input: 'a',
			output: 'b',
		}),
		path: `${GRIPTAPE}/threads/`,
	},
	{
		node: 'griptape',
		operation: 'message: getAll',
		label: 'Thread',
		parameters: (v) => ({
			resource: 'message',
			operation: 'getAll',
			threadId: rl(v),
			returnAll: true,
		}),
		path: `${GRIPTAPE}/threads/`,
	},
	{
		node: 'griptape',
		operation: 'thread: delete',
		label: 'Thread',
		parameters: (v) => ({ resource: 'thread', operation: 'delete', threadId: rl(v) }),
		path: `${GRIPTAPE}/threads/`,
	},
	{
		node: 'griptape',
		operation: 'thread: get',
		label: 'Thread',
		parameters: (v) => ({ resource: 'thread', operation: 'get', threadId: rl(v) }),
		path: `${GRIPTAPE}/threads/`,
	},
	{
		node: 'griptape',
		operation: 'thread: update',
		label: 'Thread',
		parameters: (v) => ({
			resource: 'thread',
			operation: 'update',
			threadId: rl(v),
			updateFields: { name: 'n' },
		}),
		path: `${GRIPTAPE}/threads/`,
	},
	{
		node: 'griptapeTrigger',
		operation: 'trigger: runEvent',
		label: 'Assistant Run',
		parameters: (v) => ({ event: 'runEvent', assistantRunId: rl(v) }),
		path: `${GRIPTAPE}/assistant-runs/`,
	},
	{
		node: 'griptapeTrigger',
		operation: 'trigger: runFinished',
		label: 'Assistant',
		parameters: (v) => ({ event: 'runFinished', assistantId: rl(v) }),
		path: `${GRIPTAPE}/assistants/`,
	},
	// OpenAI-compatible Threads
	{
		node: 'openai',
		operation: 'message: create',
		label: 'Thread ID',
		parameters: (v) => ({ resource: 'message', operation: 'create', threadId: v, content: 'x' }),
		path: `${OPENAI}/threads/`,
	},
	{
		node: 'openai',
		operation: 'message: get (thread)',
		label: 'Thread ID',
		parameters: (v) => ({ resource: 'message', operation: 'get', threadId: v, messageId: 'msg_1' }),
		path: `${OPENAI}/threads/`,
	},
	{
		node: 'openai',
		operation: 'message: get (message)',
		label: 'Message ID',
		parameters: (v) => ({ resource: 'message', operation: 'get', threadId: T, messageId: v }),
		path: `${OPENAI}/threads/${T}/messages/`,
	},
	{
		node: 'openai',
		operation: 'message: getAll',
		label: 'Thread ID',
		parameters: (v) => ({ resource: 'message', operation: 'getAll', threadId: v, returnAll: true }),
		path: `${OPENAI}/threads/`,
	},
	{
		node: 'openai',
		operation: 'run: cancel',
		label: 'Run',
		parameters: (v) => ({ resource: 'run', operation: 'cancel', threadId: T, runId: rl(v) }),
		path: `${OPENAI}/threads/${T}/runs/`,
	},
	{
		node: 'openai',
		operation: 'run: create (thread)',
		label: 'Thread ID',
		parameters: (v) => ({
			resource: 'run',
			operation: 'create',
			threadId: v,
			assistantId: rl('asst_1'),
			waitForCompletion: 'no',
		}),
		path: `${OPENAI}/threads/`,
	},
	{
		node: 'openai',
		operation: 'run: create (assistant)',
		label: 'Assistant',
		parameters: (v) => ({
			resource: 'run',
			operation: 'create',
			threadId: T,
			assistantId: rl(v),
			waitForCompletion: 'no',
		}),
		bodyKey: 'assistant_id',
	},
	{
		node: 'openai',
		operation: 'run: createThreadAndRun',
		label: 'Assistant',
		parameters: (v) => ({
			resource: 'run',
			operation: 'createThreadAndRun',
			assistantId: rl(v),
			// A new thread needs a message (none is refused before any request).
			messages: { values: [{ role: 'user', content: 'Hallo' }] },
			waitForCompletion: 'no',
		}),
		bodyKey: 'assistant_id',
	},
	{
		node: 'openai',
		operation: 'run: get (thread)',
		label: 'Thread ID',
		parameters: (v) => ({ resource: 'run', operation: 'get', threadId: v, runId: rl(R) }),
		path: `${OPENAI}/threads/`,
	},
	{
		node: 'openai',
		operation: 'run: get (run)',
		label: 'Run',
		parameters: (v) => ({ resource: 'run', operation: 'get', threadId: T, runId: rl(v) }),
		path: `${OPENAI}/threads/${T}/runs/`,
	},
	{
		node: 'openai',
		operation: 'run: getAll',
		label: 'Thread ID',
		parameters: (v) => ({ resource: 'run', operation: 'getAll', threadId: v, returnAll: true }),
		path: `${OPENAI}/threads/`,
	},
	{
		node: 'openai',
		operation: 'run: submitToolOutputs',
		label: 'Run',
		parameters: (v) => ({
			resource: 'run',
			operation: 'submitToolOutputs',
			threadId: T,
			runId: rl(v),
			toolOutputs: { values: [{ toolCallId: 'c1', output: 'o' }] },
			waitForCompletion: 'no',
		}),
		path: `${OPENAI}/threads/${T}/runs/`,
	},
	{
		node: 'openai',
		operation: 'thread: delete',
		label: 'Thread ID',
		parameters: (v) => ({ resource: 'thread', operation: 'delete', threadId: v }),
		path: `${OPENAI}/threads/`,
	},
	{
		node: 'openai',
		operation: 'thread: get',
		label: 'Thread ID',
		parameters: (v) => ({ resource: 'thread', operation: 'get', threadId: v }),
		path: `${OPENAI}/threads/`,
	},
	{
		node: 'openai',
		operation: 'thread: update',
		label: 'Thread ID',
		parameters: (v) => ({
			resource: 'thread',
			operation: 'update',
			threadId: v,
			metadataJson: '{"a": "b"}',
		}),
		path: `${OPENAI}/threads/`,
	},
	// Agent Chat: thread IDs travel in the body
	{
		node: 'agentChat',
		operation: 'thread: delete',
		label: 'Thread',
		parameters: (v) => ({ resource: 'thread', operation: 'delete', threadId: rl(v) }),
		bodyKey: 'thread_id',
		uuid: true,
	},
	{
		node: 'agentChat',
		operation: 'thread: get',
		label: 'Thread',
		parameters: (v) => ({ resource: 'thread', operation: 'get', threadId: rl(v) }),
		bodyKey: 'thread_id',
		uuid: true,
	},
	{
		node: 'agentChat',
		operation: 'run: send',
		label: 'Thread',
		parameters: (v) => ({
			resource: 'run',
			operation: 'send',
			message: 'Hallo',
			threadMode: 'existing',
			threadId: rl(v),
		}),
		bodyKey: 'thread_id',
		uuid: true,
	},
	{
		node: 'agentChat',
		operation: 'file: upload',
		label: 'Thread',
		parameters: (v) => ({
			resource: 'file',
			operation: 'upload',
			binaryPropertyName: 'data',
			threadMode: 'existing',
			threadId: rl(v),
		}),
		bodyKey: 'thread_id',
		binary: true,
		uuid: true,
	},
];

const NODES: Record<
	NodeKey,
	{ type: string; credential: string; credentials: (sb: Sandbox, proxy: FaultProxy) => IDataObject }
> = {
	haufe: { type: 'haufeCopilot', credential: 'haufeCopilotApi', credentials: haufeCredentials },
	griptape: {
		type: 'griptapeCloud',
		credential: 'griptapeCloudApi',
		credentials: griptapeCredentials,
	},
	griptapeTrigger: {
		type: 'griptapeCloudTrigger',
		credential: 'griptapeCloudApi',
		credentials: griptapeCredentials,
	},
	openai: { type: 'openAiThreads', credential: 'openAiThreadsApi', credentials: openaiCredentials },
	agentChat: {
		type: 'agentChat',
		credential: 'agentChatApi',
		credentials: (sb, proxy) => agentCredentials(sb, proxy, session),
	},
};

/**
 * The value as an expression gives it at run time (IDs usually come from `{{ $json.id }}`): n8n
 * itself refuses an empty literal in a required field before the node runs, not one that an
 * expression resolves to.
 */
const expression = (value: string) => `={{ ${JSON.stringify(value)} }}`;

async function attempt(row: IdCase, value: string): Promise<{ error?: Error; log: ProxyEntry[] }> {
	const proxy = await FaultProxy.start(sandbox().url, `ids-${Math.random()}`);
	const node = NODES[row.node];
	const credentials = {
		[node.credential]: node.credentials(sandbox(), proxy) as ICredentialDataDecryptedObject,
	};
	try {
		const parameters = {
			...row.parameters(expression(value)),
			requestOptions: { maxRetries: 0, timeout: 2 },
		};
		if (row.node === 'griptapeTrigger') {
			const polled = await runPoll({ type: node.type, parameters, credentials });
			return { error: polled.error, log: proxy.log };
		}
		const result = await runNode({
			type: node.type,
			parameters,
			credentials,
			items: row.binary ? fileItem() : undefined,
		});
		return { error: result.error, log: proxy.log };
	} finally {
		await proxy.close();
	}
}

/** The value as the body carried it (JSON, or a multipart field). */
function bodyValue(entry: ProxyEntry, key: string): string | undefined {
	try {
		return String((JSON.parse(entry.body) as IDataObject)[key]);
	} catch {
		const field = new RegExp(`name="${key}"\\r\\n\\r\\n([^\\r]*)\\r\\n`).exec(entry.body);
		return field?.[1];
	}
}

const refusedCases = CASES.flatMap((row) =>
	REFUSED.filter((value) => !row.optional || value.trim()).map((value) => ({
		title: `${row.node} ${row.operation}: ${JSON.stringify(value)} is refused`,
		row,
		value,
	})),
);
const oddCases = CASES.flatMap((row) =>
	ODD.map((value) => ({
		title: `${row.node} ${row.operation}: ${JSON.stringify(value)} ${row.uuid ? 'is refused (not a UUID)' : `stays one ${row.path ? 'path segment' : 'body value'}`}`,
		row,
		value,
	})),
);

afterAll(() => {
	process.stdout.write(
		`\nID table: ${CASES.length} ID fields, ${refusedCases.length + oddCases.length} cases\n`,
	);
});

it.concurrent.each(refusedCases)('$title', async ({ row, value }) => {
	const { error, log } = await attempt(row, value);
	expect(error?.message).toMatch(new RegExp(`^"${row.label}" (is required|must be an ID)`));
	expect(log).toEqual([]);
});

it.concurrent.each(oddCases)('$title', async ({ row, value }) => {
	const { error, log: all } = await attempt(row, value);
	const log = row.preflight ? all.filter((entry) => !entry.path.startsWith(row.preflight!)) : all;
	if (row.uuid) {
		// Stricter still: not a UUID, so nothing is sent at all.
		expect(error?.message).toMatch(new RegExp(`^"${row.label}"`));
		expect(log).toEqual([]);
		return;
	}
	expect(log.length).toBeGreaterThan(0);
	if (row.path) {
		const expected = `${row.path}${encodeURIComponent(value)}`;
		// The first request is the one with the ID; every request that carries it keeps it whole.
		expect(
			log[0].path.startsWith(expected) &&
				[undefined, '', '/'].includes(log[0].path.slice(expected.length)[0] ?? ''),
		).toBe(true);
		for (const entry of log) {
			const segments = entry.path.split('/');
			expect(segments).toContain(encodeURIComponent(value));
			expect(segments).not.toContain('..');
			expect(segments).not.toContain('.');
		}
	} else {
		const carrying = log.filter((entry) => entry.body.includes(row.bodyKey!));
		expect(carrying.length).toBeGreaterThan(0);
		for (const entry of carrying) expect(bodyValue(entry, row.bodyKey!)).toBe(value.trim());
	}
});
