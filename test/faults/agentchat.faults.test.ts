/**
 * The fault suite over every operation of the Agent Chat node (see suite.ts). Its replies are
 * raw text without framing or end marker: a reply cut cleanly half-way, or replaced by other
 * text, cannot be told from a reply (suite.ts leaves those kinds out for its streams); a
 * connection that breaks is an error.
 */
import { agentChat, agentCredentials, agentSession, fileItem, locator } from './fixtures';
import type { NodeUnderTest } from './suite';
import { defineFaultSuite, targetsUnder, useSuiteSandbox } from './suite';

const sandbox = useSuiteSandbox({ agentChat: { chunkDelayMs: 1 } });
let session = '';
beforeAll(async () => {
	session = await agentSession(sandbox());
});

const P = '/agentchat/agent';
const target = targetsUnder(P);
// threads/create only mints an ID: asking again is harmless, so it is retried like a read.
const MINT = target('POST', '/api/threads/create', 'read');
const REPLY = { stream: true, rawText: true };

const node: NodeUnderTest = {
	label: 'Agent Chat',
	type: 'agentChat',
	credentialType: 'agentChatApi',
	credentials: (sb, proxy) => agentCredentials(sb, proxy, session),
	requestOptions: { timeout: 2 },
	operations: [
		{
			name: 'file: upload',
			targets: [
				MINT,
				target('POST', '/api/files/upload', 'answer', {
					...REPLY,
					indistinguishable: {
						kinds: ['empty200', 'cutAfterHeaders', 'cutMidStream', 'stall'],
						why: 'the app answers an upload with an empty body, stored before it answers; the node reads the stored pages back from the thread',
					},
				}),
			],
			prepare: async () => ({
				parameters: { resource: 'file', operation: 'upload', binaryPropertyName: 'data' },
				items: fileItem(),
			}),
		},
		{
			name: 'model: getAll',
			targets: [target('POST', '/api/models', 'read')],
			prepare: async () => ({ parameters: { resource: 'model', operation: 'getAll' } }),
		},
		{
			name: 'model: getDefault',
			targets: [target('GET', '/api/default-config', 'read')],
			prepare: async () => ({ parameters: { resource: 'model', operation: 'getDefault' } }),
		},
		{
			name: 'run: send',
			targets: [MINT, target('POST', '/api/threads/runs', 'answer', REPLY)],
			prepare: async () => ({
				parameters: {
					resource: 'run',
					operation: 'send',
					message: 'Wie viele Urlaubstage habe ich?',
				},
			}),
		},
		{
			name: 'thread: create',
			targets: [MINT],
			prepare: async () => ({ parameters: { resource: 'thread', operation: 'create' } }),
		},
		{
			name: 'thread: delete',
			targets: [target('DELETE', '/api/threads/?', 'idempotent')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'thread',
					operation: 'delete',
					threadId: locator(await agentChat(sb, () => session).thread()),
				},
			}),
		},
		{
			name: 'thread: get',
			targets: [target('POST', '/api/threads/?', 'read')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'thread',
					operation: 'get',
					threadId: locator(await agentChat(sb, () => session).thread()),
				},
			}),
		},
		{
			name: 'thread: getAll',
			targets: [target('POST', '/api/threads/list', 'read')],
			prepare: async (sb) => {
				await agentChat(sb, () => session).thread();
				return {
					parameters: { resource: 'thread', operation: 'getAll', returnAll: false, limit: 1 },
				};
			},
		},
	],
};

defineFaultSuite(node, sandbox);
