/**
 * The fault suite over every operation of the Haufe Copilot node (see suite.ts).
 */
import { fileItem, haufe, haufeCredentials, locator } from './fixtures';
import type { NodeUnderTest } from './suite';
import { defineFaultSuite, ID, targetsUnder, useSuiteSandbox } from './suite';

const sandbox = useSuiteSandbox({
	haufe: { rateLimits: null, streamChunkDelayMs: 1, fileProcessingMs: 40 },
});

const P = '/haufe/agents/v1';
const target = targetsUnder(P);
const QUESTION = 'Wie lang ist die Probezeit?';

const node: NodeUnderTest = {
	label: 'Haufe Copilot',
	type: 'haufeCopilot',
	credentialType: 'haufeCopilotApi',
	credentials: haufeCredentials,
	requestOptions: { timeout: 2 },
	operations: [
		{
			name: 'assistant: get',
			targets: [target('GET', `/assistants/${ID}`, 'read')],
			prepare: async (sb) => ({
				parameters: { resource: 'assistant', operation: 'get', assistantId: locator(haufe(sb).hr) },
			}),
		},
		{
			name: 'assistant: getAll',
			targets: [target('GET', '/assistants', 'read')],
			prepare: async () => ({
				parameters: { resource: 'assistant', operation: 'getAll', returnAll: true },
			}),
		},
		{
			name: 'chatCompletion: create',
			targets: [target('POST', '/chat/completions', 'answer')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'chatCompletion',
					operation: 'create',
					assistantId: locator(haufe(sb).hr),
					messages: { values: [{ role: 'user', content: QUESTION }] },
				},
			}),
		},
		{
			name: 'chatCompletion: stream',
			targets: [target('POST', '/chat/completions/stream', 'answer', { stream: true })],
			prepare: async (sb) => ({
				parameters: {
					resource: 'chatCompletion',
					operation: 'stream',
					assistantId: locator(haufe(sb).hr),
					messages: { values: [{ role: 'user', content: QUESTION }] },
				},
			}),
		},
		{
			name: 'file: get',
			targets: [target('GET', `/files/${ID}`, 'read')],
			prepare: async (sb) => ({
				parameters: { resource: 'file', operation: 'get', fileId: await haufe(sb).file() },
			}),
		},
		{
			name: 'file: getAll',
			targets: [target('GET', '/files', 'read')],
			prepare: async (sb) => {
				await haufe(sb).file();
				return {
					parameters: { resource: 'file', operation: 'getAll', returnAll: false, limit: 1 },
				};
			},
		},
		{
			name: 'file: getStatus',
			targets: [target('GET', `/files/${ID}/status`, 'read')],
			prepare: async (sb) => ({
				parameters: { resource: 'file', operation: 'getStatus', fileId: await haufe(sb).file() },
			}),
		},
		{
			name: 'file: upload',
			targets: [
				target('GET', '/files/signed-url', 'read'),
				{ method: 'PUT', path: /^\/haufe-upload\/[^/]+$/, role: 'idempotent', nothing: true },
				target('GET', `/files/${ID}/status`, 'read'),
			],
			prepare: async () => ({
				parameters: {
					resource: 'file',
					operation: 'upload',
					binaryPropertyName: 'data',
					options: { pollInterval: 0.05, processingTimeout: 10 },
				},
				items: fileItem(),
			}),
		},
		{
			name: 'message: create',
			targets: [target('POST', `/threads/${ID}/messages`, 'create')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'message',
					operation: 'create',
					threadId: locator(await haufe(sb).thread()),
					role: 'user',
					content: QUESTION,
				},
			}),
		},
		{
			name: 'message: delete',
			targets: [target('DELETE', `/threads/${ID}/messages/${ID}`, 'idempotent', { nothing: true })],
			prepare: async (sb) => {
				const threadId = await haufe(sb).thread();
				const messageId = await haufe(sb).message(threadId, QUESTION);
				return {
					parameters: {
						resource: 'message',
						operation: 'delete',
						threadId: locator(threadId),
						messageId,
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
					threadId: locator(await haufe(sb).thread([QUESTION, 'Und danach?'])),
					returnAll: true,
				},
			}),
		},
		{
			name: 'question: ask',
			targets: [
				target('POST', '/threads', 'create'),
				target('POST', `/threads/${ID}/messages`, 'create'),
				target('POST', `/threads/${ID}/run`, 'answer'),
			],
			prepare: async (sb) => ({
				parameters: {
					resource: 'question',
					operation: 'ask',
					assistantId: locator(haufe(sb).hr),
					question: QUESTION,
				},
			}),
		},
		{
			name: 'question: ask (streamed)',
			targets: [target('POST', `/threads/${ID}/run/stream`, 'answer', { stream: true })],
			prepare: async (sb) => ({
				parameters: {
					resource: 'question',
					operation: 'ask',
					assistantId: locator(haufe(sb).hr),
					question: QUESTION,
					options: { streamed: true },
				},
			}),
		},
		{
			name: 'run: run',
			targets: [target('POST', `/threads/${ID}/run`, 'answer')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'run',
					operation: 'run',
					threadId: locator(await haufe(sb).thread([QUESTION])),
				},
			}),
		},
		{
			name: 'run: stream',
			targets: [target('POST', `/threads/${ID}/run/stream`, 'answer', { stream: true })],
			prepare: async (sb) => ({
				parameters: {
					resource: 'run',
					operation: 'stream',
					threadId: locator(await haufe(sb).thread([QUESTION])),
				},
			}),
		},
		{
			name: 'thread: create',
			targets: [target('POST', '/threads', 'create')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'thread',
					operation: 'create',
					assistantId: locator(haufe(sb).hr),
					title: 'Neu',
				},
			}),
		},
		{
			name: 'thread: delete',
			targets: [target('DELETE', `/threads/${ID}`, 'idempotent', { nothing: true })],
			prepare: async (sb) => ({
				parameters: {
					resource: 'thread',
					operation: 'delete',
					threadId: locator(await haufe(sb).thread()),
				},
			}),
		},
		{
			name: 'thread: get',
			targets: [target('GET', `/threads/${ID}`, 'read')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'thread',
					operation: 'get',
					threadId: locator(await haufe(sb).thread()),
				},
			}),
		},
		{
			name: 'thread: getAll',
			targets: [target('GET', '/threads', 'read')],
			prepare: async (sb) => {
				await haufe(sb).thread();
				return {
					parameters: { resource: 'thread', operation: 'getAll', returnAll: false, limit: 1 },
				};
			},
		},
	],
};

defineFaultSuite(node, sandbox);
