/**
 * The fault suite over every operation of the OpenAI-compatible Threads node (see suite.ts).
 */
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox';
import { locator, openai, openaiCredentials } from './fixtures';
import type { NodeUnderTest, OperationCase, Target } from './suite';
import { defineFaultSuite, ID, targetsUnder, useSuiteSandbox } from './suite';

const sandbox = useSuiteSandbox({ openai: { runStepMs: 5, tokenDelayMs: 1 } });

const P = '/openai/v1';
const target = targetsUnder(P);
const QUESTION = 'Wie spät ist es?';
const waiting = (mode: 'poll' | 'stream'): IDataObject => ({
	waitForCompletion: mode,
	waitOptions: { pollInterval: 0.05, waitTimeout: 10 },
	simplify: false,
});

/** Create Run, Create Thread and Run and Submit Tool Outputs, each waited for by polling and by streaming. */
function runStarting(
	name: string,
	path: string,
	role: Target['role'],
	prepare: (sb: Sandbox) => Promise<IDataObject>,
): OperationCase[] {
	return [
		{
			name: `${name} (polling)`,
			targets: [
				target('POST', path, role),
				target('GET', `/threads/${ID}/runs/${ID}`, 'read'),
				target('GET', `/threads/${ID}/messages`, 'read'),
			],
			prepare: async (sb) => ({ parameters: { ...(await prepare(sb)), ...waiting('poll') } }),
		},
		{
			name: `${name} (streaming)`,
			targets: [target('POST', path, role, { stream: true })],
			prepare: async (sb) => ({ parameters: { ...(await prepare(sb)), ...waiting('stream') } }),
		},
	];
}

const node: NodeUnderTest = {
	label: 'OpenAI-compatible Threads',
	type: 'openAiThreads',
	credentialType: 'openAiThreadsApi',
	credentials: openaiCredentials,
	requestOptions: { timeout: 2 },
	operations: [
		{
			name: 'message: create',
			targets: [target('POST', `/threads/${ID}/messages`, 'create')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'message',
					operation: 'create',
					threadId: await openai(sb).thread(),
					role: 'user',
					content: 'Noch etwas',
				},
			}),
		},
		{
			name: 'message: get',
			targets: [target('GET', `/threads/${ID}/messages/${ID}`, 'read')],
			prepare: async (sb) => {
				const threadId = await openai(sb).thread();
				return {
					parameters: {
						resource: 'message',
						operation: 'get',
						threadId,
						messageId: await openai(sb).messageOf(threadId),
					},
				};
			},
		},
		{
			name: 'message: getAll',
			targets: [target('GET', `/threads/${ID}/messages`, 'read')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'message',
					operation: 'getAll',
					threadId: await openai(sb).thread(),
					returnAll: true,
				},
			}),
		},
		{
			name: 'run: cancel',
			targets: [target('POST', `/threads/${ID}/runs/${ID}/cancel`, 'change')],
			prepare: async (sb) => {
				const threadId = await openai(sb).thread('[hang] bitte warten');
				return {
					parameters: {
						resource: 'run',
						operation: 'cancel',
						threadId,
						runId: locator(await openai(sb).run(threadId)),
					},
				};
			},
		},
		...runStarting('run: create', `/threads/${ID}/runs`, 'create', async (sb) => ({
			resource: 'run',
			operation: 'create',
			threadId: await openai(sb).thread(QUESTION),
			assistantId: locator(openai(sb).assistantId),
		})),
		...runStarting('run: createThreadAndRun', '/threads/runs', 'create', async (sb) => ({
			resource: 'run',
			operation: 'createThreadAndRun',
			assistantId: locator(openai(sb).assistantId),
			messages: { values: [{ role: 'user', content: QUESTION }] },
		})),
		{
			name: 'run: get',
			targets: [target('GET', `/threads/${ID}/runs/${ID}`, 'read')],
			prepare: async (sb) => {
				const { threadId, runId } = await openai(sb).finishedRun();
				return {
					parameters: { resource: 'run', operation: 'get', threadId, runId: locator(runId) },
				};
			},
		},
		{
			name: 'run: getAll',
			targets: [target('GET', `/threads/${ID}/runs`, 'read')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'run',
					operation: 'getAll',
					threadId: (await openai(sb).finishedRun()).threadId,
					returnAll: true,
				},
			}),
		},
		...runStarting(
			'run: submitToolOutputs',
			`/threads/${ID}/runs/${ID}/submit_tool_outputs`,
			'answer',
			async (sb) => {
				const { threadId, runId, callId } = await openai(sb).toolRun();
				return {
					resource: 'run',
					operation: 'submitToolOutputs',
					threadId,
					runId: locator(runId),
					toolOutputs: { values: [{ toolCallId: callId, output: 'sonnig, 21 °C' }] },
				};
			},
		),
		{
			name: 'thread: create',
			targets: [target('POST', '/threads', 'create')],
			prepare: async () => ({
				parameters: {
					resource: 'thread',
					operation: 'create',
					messages: { values: [{ role: 'user', content: QUESTION }] },
				},
			}),
		},
		{
			name: 'thread: delete',
			targets: [target('DELETE', `/threads/${ID}`, 'idempotent')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'thread',
					operation: 'delete',
					threadId: await openai(sb).thread(),
				},
			}),
		},
		{
			name: 'thread: get',
			targets: [target('GET', `/threads/${ID}`, 'read')],
			prepare: async (sb) => ({
				parameters: { resource: 'thread', operation: 'get', threadId: await openai(sb).thread() },
			}),
		},
		{
			name: 'thread: update',
			targets: [target('POST', `/threads/${ID}`, 'change')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'thread',
					operation: 'update',
					threadId: await openai(sb).thread(),
					metadataJson: '{"status": "done"}',
				},
			}),
		},
	],
};

defineFaultSuite(node, sandbox);
