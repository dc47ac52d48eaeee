/**
 * The Agent Chat node and its session credential, through n8n-core's WorkflowExecute (with
 * n8n's rules for a credential's preAuthentication) against the sandbox's Django-like app.
 */
import type { IDataObject } from 'n8n-workflow';

import { json, locator } from '../helpers/haufe';
import { useNodeSandbox } from '../helpers/node-context';

const EMAIL = 'user@example.com';
const PASSWORD = 'correct-horse-battery';

const ctx = useNodeSandbox(
	'agentChat',
	'agentChatApi',
	(sandbox) => ({ baseUrl: sandbox.agentChat.baseUrl, authMethod: 'password', email: EMAIL, password: PASSWORD, sessionToken: '' }),
	{ agentChat: { chunkDelayMs: 2 } },
);

const send = (message: string, extra: IDataObject = {}) => ({ resource: 'run', operation: 'send', message, ...extra });

describe('Credential', () => {
	it('logs in with e-mail and password, keeps the session, and sends cookies, CSRF token and Referer', async () => {
		const result = await ctx.run({ resource: 'model', operation: 'getAll' });
		expect(json(result)).toHaveLength(3);
		expect(ctx.sandbox.agentChat.stats.logins).toBe(1);
		const stored = result.credentialsHelper.updates.at(-1)?.data.sessionToken as string;
		expect(JSON.parse(stored)).toEqual({ sessionid: expect.any(String), csrftoken: expect.any(String) });

		const post = ctx.sandbox.requests.find((entry) => entry.path.endsWith('/api/models'));
		expect(post?.headers['x-csrftoken']).toBeDefined();
		expect(post?.headers.referer).toBe(`${ctx.sandbox.agentChat.baseUrl}/`);

		// The next execution reuses the stored session: no second login.
		json(await ctx.run({ resource: 'model', operation: 'getDefault' }, { credentials: { sessionToken: stored } }));
		expect(ctx.sandbox.agentChat.stats.logins).toBe(1);
	});

	it('renews an expired session transparently', async () => {
		const first = await ctx.run({ resource: 'model', operation: 'getAll' });
		const stored = first.credentialsHelper.updates.at(-1)?.data.sessionToken as string;
		ctx.sandbox.agentChat.expireSessions();
		const again = await ctx.run({ resource: 'model', operation: 'getAll' }, { credentials: { sessionToken: stored } });
		expect(json(again)).toHaveLength(3);
		expect(ctx.sandbox.agentChat.stats.logins).toBe(2);
		expect(ctx.sandbox.requests.filter((entry) => entry.path.endsWith('/api/models')).map((entry) => entry.status)).toEqual([200, 403, 200]);
	});

	it('reports a wrong password, an account with MFA, and an unreachable URL clearly, without the password', async () => {
		const wrong = await ctx.run({ resource: 'model', operation: 'getAll' }, { credentials: { password: 'not-it' } });
		expect(wrong.error?.message).toMatch(/The e-mail or password was not accepted/);
		expect(JSON.stringify(wrong.run)).not.toContain('not-it');

		const mfa = await ctx.run({ resource: 'model', operation: 'getAll' }, { credentials: { email: 'mfa@example.com' } });
		expect(mfa.error?.message).toMatch(/requires multi-factor authentication: log in in a browser and paste the session cookie/);

		const unreachable = await ctx.run({ resource: 'model', operation: 'getAll' }, { credentials: { baseUrl: 'http://127.0.0.1:9/agent' } });
		expect(unreachable.error?.message).toMatch(/ECONNREFUSED|refused/);
		expect(JSON.stringify([wrong.run, mfa.run, unreachable.run])).not.toContain(PASSWORD);
	});

	it('takes a pasted session cookie (with or without its CSRF token)', async () => {
		const login = await ctx.run({ resource: 'model', operation: 'getAll' });
		const { sessionid, csrftoken } = JSON.parse(login.credentialsHelper.updates.at(-1)?.data.sessionToken as string);
		const withToken = await ctx.run(
			{ resource: 'thread', operation: 'create' },
			{ credentials: { authMethod: 'sessionCookie', sessionCookieToken: `sessionid=${sessionid}; csrftoken=${csrftoken}` } },
		);
		expect(json(withToken)[0].thread_id).toEqual(expect.any(String));
		const bare = await ctx.run({ resource: 'thread', operation: 'create' }, { credentials: { authMethod: 'sessionCookie', sessionCookieToken: sessionid } });
		expect(json(bare)[0].thread_id).toEqual(expect.any(String));
		expect(ctx.sandbox.agentChat.stats.logins).toBe(1);
	});

	it('is refused by the app without the CSRF token (403)', async () => {
		const login = await ctx.run({ resource: 'model', operation: 'getAll' });
		const { sessionid } = JSON.parse(login.credentialsHelper.updates.at(-1)?.data.sessionToken as string);
		const response = await fetch(`${ctx.sandbox.agentChat.baseUrl}/api/threads/create`, {
			method: 'POST',
			headers: { Cookie: `sessionid=${sessionid}` },
		});
		expect(response.status).toBe(403);
		expect(await response.json()).toEqual({ detail: expect.stringMatching(/^CSRF Failed/) });
	});
});

describe('Run', () => {
	it('sends a message in a new thread and collects the streamed reply', async () => {
		const [reply] = json(await ctx.run(send('Wie viele Urlaubstage?')));
		const thread = ctx.sandbox.agentChat.state.threads.get(reply.thread_id as string);
		const stored = thread?.messages.find((message) => message.role === 'assistant');
		expect(reply.answer).toBe(String(stored?.content).trim());
		expect(reply.answer).toMatch(/answers: Wie viele Urlaubstage\?/);
		expect(reply.chunks).toBeGreaterThan(3);
	});

	it('continues a thread whose stored agent overrides the model asked for', async () => {
		const { models } = ctx.sandbox.agentChat.ids;
		const [first] = json(await ctx.run(send('Erste Frage', { modelId: locator(models[1]) })));
		const [second] = json(
			await ctx.run(send('Zweite Frage', { threadMode: 'existing', threadId: locator(first.thread_id as string), modelId: locator(models[2]) })),
		);
		expect(second.thread_id).toBe(first.thread_id);
		expect(ctx.sandbox.agentChat.state.threads.get(first.thread_id as string)?.model_id).toBe(models[1]);
		expect(String(second.answer).split(' answers:')[0]).toBe(String(first.answer).split(' answers:')[0]);
	});

	it('forwards the reply chunk by chunk to a streaming webhook', async () => {
		const result = await ctx.run(send('Streame mir das'), { streaming: true });
		const [reply] = json(result);
		const forwarded = result.chunks.filter((chunk) => chunk.type === 'item').map((chunk) => chunk.content).join('');
		expect(forwarded.trim()).toBe(reply.answer);
		expect(result.chunks.filter((chunk) => chunk.type === 'item').length).toBeGreaterThan(1);
	});

	it('turns an inline [Stream Error] into a node error, and forwards none of it', async () => {
		const result = await ctx.run(send('Bitte [stream-error] auslösen'), { streaming: true });
		expect(result.error?.message).toBe('The agent reported an error while answering: Simulated model failure');
		const forwarded = result.chunks.filter((chunk) => chunk.type === 'item').map((chunk) => chunk.content).join('');
		expect(forwarded).not.toContain('[Stream Error]');
	});

	it('turns a billing stop into a node error', async () => {
		const result = await ctx.run(send('[billing] noch eine Frage'));
		expect(result.error?.message).toMatch(/^The agent did not answer because of a usage limit: You have reached your usage limit/);
	});

	it('reports a reply that breaks off, never a partial answer', async () => {
		ctx.sandbox.faults.add({ method: 'POST', path: /\/api\/threads\/runs$/, kind: 'cutStream', afterChunks: 3 });
		const result = await ctx.run(send('Abbruch'));
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).toMatch(/^The agent's reply broke off after \d+ chunks; no answer is reported$/);
	});
});

describe('Thread, File and Model', () => {
	it('creates, gets (empty before its first run), lists and deletes threads', async () => {
		const [created] = json(await ctx.run({ resource: 'thread', operation: 'create' }));
		const threadId = created.thread_id as string;
		const [empty] = json(await ctx.run({ resource: 'thread', operation: 'get', threadId: locator(threadId) }));
		expect(empty).toEqual({ thread_id: threadId, messages: [], empty: true });

		json(await ctx.run(send('Jetzt mit Inhalt', { threadMode: 'existing', threadId: locator(threadId) })));
		const [full] = json(await ctx.run({ resource: 'thread', operation: 'get', threadId: locator(threadId) }));
		expect((full.messages as IDataObject[]).map((message) => message.role)).toEqual(['user', 'assistant']);
		const listed = json(await ctx.run({ resource: 'thread', operation: 'getAll', returnAll: true }));
		expect(listed).toEqual([{ thread_id: threadId, title: 'Jetzt mit Inhalt' }]);
		expect(json(await ctx.run({ resource: 'thread', operation: 'delete', threadId: locator(threadId) }))).toEqual([
			{ deleted: true, thread_id: threadId },
		]);
		expect(json(await ctx.run({ resource: 'thread', operation: 'getAll', returnAll: true }))).toEqual([]);
	});

	it('uploads a binary file to a thread and collects the reply', async () => {
		const content = Buffer.from('Urlaubsantrag für August');
		const result = await ctx.run(
			{ resource: 'file', operation: 'upload', binaryPropertyName: 'data' },
			{ items: [{ json: {}, binary: { data: { data: content.toString('base64'), mimeType: 'text/plain', fileName: 'antrag.txt' } } }] },
		);
		const [reply] = json(result);
		expect(reply).toMatchObject({ file_name: 'antrag.txt', size: content.length });
		expect(reply.answer).toMatch(/^I received antrag\.txt \(\d+ bytes\)\./);
		expect(ctx.sandbox.agentChat.stats.uploads).toBe(1);
	});

	it('lists models whether they carry label or name, and gets the default configuration', async () => {
		const models = json(await ctx.run({ resource: 'model', operation: 'getAll' }));
		expect(models.every((model) => typeof model.label === 'string' && model.label === model.name)).toBe(true);
		const [config] = json(await ctx.run({ resource: 'model', operation: 'getDefault' }));
		expect(config).toMatchObject({ model: ctx.sandbox.agentChat.ids.defaultModel, system_prompt: expect.any(String) });
	});
});
