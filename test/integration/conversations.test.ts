/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * Conversations by key (issue 16), through n8n-core's WorkflowExecute against the sandbox:
 * Griptape finds a conversation's thread by its alias, Agent Chat derives the thread ID from
 * the key. Concurrent executions with one key (as two queue-mode workers) end in one thread.
 */
import type { IDataObject } from 'n8n-workflow';

import { AGENT_CHAT_THREAD_NAMESPACE } from '../../nodes/AgentChat/actions/fields';
import { nameBasedUuid } from '../../nodes/shared/conversation';
import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import { json, locator } from '../helpers/haufe';
import { runNode } from '../helpers/n8n-harness';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({
		port: 0,
		griptape: { runStepMs: 5, tokenDelayMs: 2 },
		agentChat: { chunkDelayMs: 2 },
	});
});
afterEach(() => sandbox.reset());
afterAll(async () => await sandbox?.close());

describe('Griptape Cloud: the thread whose alias is the key', () => {
	const ask = async (input: string, conversationKey: unknown) =>
		await runNode({
			type: 'griptapeCloud',
			parameters: {
				resource: 'assistantRun',
				operation: 'create',
				assistantId: locator(sandbox.griptape.ids.assistants[0]),
				input,
				threadMode: 'key',
				conversationKey: conversationKey as string,
			},
			credentials: {
				griptapeCloudApi: { apiKey: 'sandbox-griptape-key', baseUrl: sandbox.griptape.baseUrl },
			},
		});
	const threadsWithAlias = (alias: string) =>
		[...sandbox.griptape.state.threads.values()].filter((thread) => thread.alias === alias);
	const threadRequests = (method: string) =>
		sandbox.requests.filter(
			(entry) => entry.method === method && /\/threads(\/[^/]+)?$/.test(entry.path),
		);

	it('continues one thread per key: two messages in one, another key in its own', async () => {
		const [first] = json(await ask('Hallo', 'session-a'));
		const [second] = json(await ask('Noch eine Frage', 'session-a'));
		const [other] = json(await ask('Hallo', 'session-b'));
		expect(first.answer).toMatch(/^Griptape answer to: Hallo/);
		expect(second.thread_id).toBe(first.thread_id);
		expect(other.thread_id).not.toBe(first.thread_id);
		const [thread] = threadsWithAlias('session-a');
		expect(thread.thread_id).toBe(first.thread_id);
		expect(sandbox.griptape.state.messages.get(String(first.thread_id))).toHaveLength(2);
		expect(threadsWithAlias('session-b')).toHaveLength(1);
		// The second message found the thread by its alias: one thread created per key.
		expect(threadRequests('POST')).toHaveLength(2);
	});

	it('two executions with one new key at once: one thread (the second create is refused, 409, and reads the first)', async () => {
		// Both look the alias up before either creates: the race of two queue-mode workers.
		sandbox.faults.add({
			method: 'POST',
			path: /\/threads$/,
			kind: 'slow',
			delayMs: 150,
			times: 2,
		});
		const [a, b] = await Promise.all([ask('Erste', 'ticket-4711'), ask('Zweite', 'ticket-4711')]);
		expect(a.error).toBeUndefined();
		expect(b.error).toBeUndefined();
		const [runA] = json(a);
		const [runB] = json(b);
		expect(runA.thread_id).toBe(runB.thread_id);
		expect(threadsWithAlias('ticket-4711')).toHaveLength(1);
		expect(sandbox.griptape.state.messages.get(String(runA.thread_id))).toHaveLength(2);
		expect(
			threadRequests('POST')
				.map((entry) => entry.status)
				.sort(),
		).toEqual([201, 409]);
	});

	it('on a server that accepts an alias twice, both executions converge on the oldest thread and the other is deleted', async () => {
		sandbox.griptape.configure({ uniqueAliases: false });
		try {
			// The first create is held back: the other execution's thread is older.
			sandbox.faults.add({
				method: 'POST',
				path: /\/threads$/,
				kind: 'slow',
				delayMs: 150,
				times: 1,
			});
			const [a, b] = await Promise.all([ask('Erste', 'caller-42'), ask('Zweite', 'caller-42')]);
			const [runA] = json(a);
			const [runB] = json(b);
			expect(threadRequests('POST')).toHaveLength(2);
			expect(runA.thread_id).toBe(runB.thread_id);
			const left = threadsWithAlias('caller-42');
			expect(left).toHaveLength(1);
			expect(left[0].thread_id).toBe(runA.thread_id);
			expect(threadRequests('DELETE')).toHaveLength(1);
			expect(sandbox.griptape.state.messages.get(String(runA.thread_id))).toHaveLength(2);
		} finally {
			sandbox.griptape.configure({ uniqueAliases: true });
		}
	});

	it('two threads with one alias already there: the oldest is continued', async () => {
		sandbox.griptape.configure({ uniqueAliases: false });
		try {
			const create = async (name: string) =>
				(await (
					await fetch(`${sandbox.griptape.baseUrl}/threads`, {
						method: 'POST',
						headers: {
							authorization: 'Bearer sandbox-griptape-key',
							'content-type': 'application/json',
						},
						body: JSON.stringify({ name, alias: 'double' }),
					})
				).json()) as IDataObject;
			const older = await create('older');
			await new Promise((resolve) => setTimeout(resolve, 5));
			await create('newer');
			const [run] = json(await ask('Hallo', 'double'));
			expect(run.thread_id).toBe(older.thread_id);
		} finally {
			sandbox.griptape.configure({ uniqueAliases: true });
		}
	});

	it('refuses a key that is empty (an expression that found none), blank and one over 200 characters before any request', async () => {
		for (const [key, message] of [
			// An expression that finds no key (a literal empty key n8n refuses itself: the field is required).
			['={{ $json.sessionId }}', '"Conversation Key" is empty'],
			['={{ "   " }}', '"Conversation Key" is empty'],
			['k'.repeat(201), '"Conversation Key" is 201 characters long; the limit is 200'],
		] as const) {
			const result = await ask('Hallo', key);
			expect(result.error?.message).toBe(message);
		}
		expect(sandbox.requests).toHaveLength(0);
		// 200 characters fit, and a number (a ticket number) is a key too.
		expect(json(await ask('Hallo', 'k'.repeat(200)))[0].thread_id).toBe(
			threadsWithAlias('k'.repeat(200))[0].thread_id,
		);
		expect(json(await ask('Hallo', 4711))[0].thread_id).toBe(threadsWithAlias('4711')[0].thread_id);
	});
});

describe('Agent Chat: the thread ID derived from the key', () => {
	const send = async (message: string, conversationKey: unknown, email = 'user@example.com') =>
		await runNode({
			type: 'agentChat',
			parameters: {
				resource: 'run',
				operation: 'send',
				message,
				threadMode: 'key',
				conversationKey: conversationKey as string,
			},
			credentials: {
				agentChatApi: {
					siteUrl: sandbox.agentChat.siteUrl,
					authMethod: 'password',
					email,
					password: 'correct-horse-battery',
					sessionToken: '',
				},
			},
		});
	const userMessages = (threadId: string, email?: string) =>
		(sandbox.agentChat.threadsOf(email).get(threadId)?.conversation_history ?? [])
			.filter((entry) => entry.role === 'user')
			.map((entry) => entry.content);

	it('continues one thread per key: two messages in one, another key in its own, no thread created', async () => {
		const [first] = json(await send('Hallo Agent', 'session-a'));
		const [second] = json(await send('Und weiter', 'session-a'));
		const [other] = json(await send('Hallo Agent', 'session-b'));
		expect(first.thread_id).toBe(nameBasedUuid(AGENT_CHAT_THREAD_NAMESPACE, 'session-a'));
		expect(second.thread_id).toBe(first.thread_id);
		expect(other.thread_id).not.toBe(first.thread_id);
		expect(userMessages(String(first.thread_id))).toEqual(['Hallo Agent', 'Und weiter']);
		expect(userMessages(String(other.thread_id))).toEqual(['Hallo Agent']);
		expect(sandbox.requests.filter((entry) => /threads\/create$/.test(entry.path))).toHaveLength(0);
	});

	it('two executions with one key at once land in the same thread', async () => {
		const [a, b] = await Promise.all([send('Erste', 'ticket-9'), send('Zweite', 'ticket-9')]);
		const threadId = String(json(a)[0].thread_id);
		expect(json(b)[0].thread_id).toBe(threadId);
		expect(userMessages(threadId).sort()).toEqual(['Erste', 'Zweite']);
		expect(sandbox.agentChat.threadsOf().size).toBe(1);
	});

	it('refuses an empty key and one over 1000 characters before any request', async () => {
		expect((await send('Hallo', '={{ $json.sessionId }}')).error?.message).toBe(
			'"Conversation Key" is empty',
		);
		expect((await send('Hallo', 'x'.repeat(1001))).error?.message).toBe(
			'"Conversation Key" is 1001 characters long; the limit is 1000',
		);
		expect(sandbox.requests).toHaveLength(0);
	});
});
