/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The Agent Chat node and its session credential, through n8n-core (WorkflowExecute for the
 * node, RoutingNode for the credential test, both with n8n's rules for a credential's
 * preAuthentication) against the sandbox rebuilt from the Grit One SDK's source.
 */
import type * as AuthenticationHelpers from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/authentication';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { BILLING_SENTENCE } from '../../nodes/AgentChat/transport/answer';
import { json, locator } from '../helpers/haufe';
import { runCredentialTest, runListSearch } from '../helpers/n8n-harness';
import { useNodeSandbox } from '../helpers/node-context';

const AUTHENTICATION_HELPERS =
	'n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/authentication';
const EMAIL = 'user@example.com';
const PASSWORD = 'correct-horse-battery';

const ctx = useNodeSandbox(
	'agentChat',
	'agentChatApi',
	(sandbox) => ({
		siteUrl: sandbox.agentChat.siteUrl,
		authMethod: 'password',
		email: EMAIL,
		password: PASSWORD,
		sessionToken: '',
	}),
	{ agentChat: { chunkDelayMs: 2 } },
);

const send = (message: string, extra: IDataObject = {}) => ({
	resource: 'run',
	operation: 'send',
	message,
	...extra,
});
const credentialTest = async (data: IDataObject = {}) =>
	await runCredentialTest('agentChatApi', {
		...ctx.credentials(),
		...data,
	} as ICredentialDataDecryptedObject);
const paths = (pattern: RegExp) => ctx.sandbox.requests.filter((entry) => pattern.test(entry.path));
const sessionOf = (result: { credentialsHelper: { updates: Array<{ data: IDataObject }> } }) =>
	JSON.parse(String(result.credentialsHelper.updates.at(-1)?.data.sessionToken)) as {
		sessionid: string;
		csrftoken: string;
	};

/** A file item for File › Upload. */
const fileItem = (content: Buffer | string, fileName: string, mimeType: string) => [
	{
		json: {},
		binary: { data: { data: Buffer.from(content).toString('base64'), mimeType, fileName } },
	},
];
const TWO_PAGE_PDF = [
	'%PDF-1.4',
	'1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
	'2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj',
	'3 0 obj << /Type /Page /Parent 2 0 R >> endobj',
	'4 0 obj << /Type /Page /Parent 2 0 R >> endobj',
	'trailer << /Root 1 0 R >>',
	'%%EOF',
].join('\n');

/** Logs in as a browser would, for requests the node does not make. */
async function browserLogin(email = EMAIL) {
	const page = await fetch(`${ctx.sandbox.agentChat.siteUrl}/auth/login/`);
	const csrftoken = /csrftoken=([^;]+)/.exec(page.headers.getSetCookie().join(';'))![1];
	const answer = await fetch(`${ctx.sandbox.agentChat.siteUrl}/auth/login/`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			cookie: `csrftoken=${csrftoken}`,
		},
		body: new URLSearchParams({
			email,
			password: PASSWORD,
			csrfmiddlewaretoken: csrftoken,
		}).toString(),
	});
	const cookies = answer.headers.getSetCookie().join(';');
	const sessionid = /sessionid=([^;]+)/.exec(cookies)?.[1] ?? '';
	const token = /csrftoken=([^;]+)/.exec(cookies)?.[1] ?? csrftoken;
	return {
		answer,
		sessionid,
		csrftoken: token,
		headers: {
			cookie: `sessionid=${sessionid}; csrftoken=${token}`,
			'x-csrftoken': token,
			'content-type': 'application/json',
		},
	};
}

describe("Credential: the SDK's URL layout", () => {
	it('logs in at <Site URL>/auth/login/ and calls the API at <Site URL>/agent/api/…, with cookies, CSRF token and Referer', async () => {
		const result = await ctx.run({ resource: 'model', operation: 'getAll' });
		expect(json(result)).toHaveLength(3);
		expect(ctx.sandbox.agentChat.stats.logins).toBe(1);
		expect(sessionOf(result)).toEqual({
			sessionid: expect.any(String),
			csrftoken: expect.any(String),
		});
		expect(paths(/\/auth\/login$/).map((entry) => entry.method)).toEqual(['GET', 'POST']);
		expect(paths(/\/auth\/login$/)[0].path).toBe('/agentchat/auth/login');

		const post = ctx.sandbox.requests.find((entry) => entry.path === '/agentchat/agent/api/models');
		expect(post?.headers['x-csrftoken']).toBeDefined();
		expect(post?.headers.referer).toBe(`${ctx.sandbox.agentChat.siteUrl}/`);

		// The next execution reuses the stored session: no second login.
		const stored = result.credentialsHelper.updates.at(-1)?.data.sessionToken as string;
		json(
			await ctx.run(
				{ resource: 'model', operation: 'getDefault' },
				{ credentials: { sessionToken: stored } },
			),
		);
		expect(ctx.sandbox.agentChat.stats.logins).toBe(1);
	});

	it("reaches an API mounted at the site's root with an empty Agent API Path", async () => {
		ctx.sandbox.agentChat.configure({ apiPath: '' });
		try {
			const threads = json(
				await ctx.run(
					{ resource: 'thread', operation: 'getAll', returnAll: true },
					{ credentials: { apiPath: '' } },
				),
			);
			expect(threads).toEqual([]);
			expect(paths(/\/api\/threads\/list$/).map((entry) => entry.path)).toEqual([
				'/agentchat/api/threads/list',
			]);
			expect(await credentialTest({ apiPath: '' })).toMatchObject({ status: 'OK' });
		} finally {
			ctx.sandbox.agentChat.configure({ apiPath: '/agent' });
		}
	});

	it('keeps credentials saved with the old single Base URL working: the site is that URL without the API path', async () => {
		const legacy = { siteUrl: '', baseUrl: ctx.sandbox.agentChat.apiUrl };
		expect(
			json(await ctx.run({ resource: 'model', operation: 'getAll' }, { credentials: legacy })),
		).toHaveLength(3);
		expect(paths(/\/auth\/login$/)[0].path).toBe('/agentchat/auth/login');
		expect(await credentialTest(legacy)).toMatchObject({ status: 'OK' });
	});

	it("says where the Site URL went wrong: the API's URL given as the site", async () => {
		const result = await ctx.run(
			{ resource: 'model', operation: 'getAll' },
			{ credentials: { siteUrl: ctx.sandbox.agentChat.apiUrl } },
		);
		expect(result.error?.message).toMatch(
			/The login page .*\/agentchat\/agent\/auth\/login\/ answered 404 \(page “404 Not Found”\): the Site URL is the address where the login page \/auth\/login\/ is/,
		);
	});
});

describe("Credential test (the editor's Test button, as n8n runs it)", () => {
	it('passes when the login works and the agent API answers the session: it logs in, then lists the threads', async () => {
		expect(await credentialTest()).toMatchObject({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(
			ctx.sandbox.requests.map((entry) => `${entry.method} ${entry.path} ${entry.status}`),
		).toEqual([
			'GET /agentchat/auth/login 200',
			'POST /agentchat/auth/login 302',
			'POST /agentchat/agent/api/threads/list 200',
		]);
	});

	it('tells apart a wrong password, an MFA account, a wrong API path, a wrong site and an unreachable URL', async () => {
		expect(await credentialTest({ password: 'not-it' })).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/^The e-mail or password was not accepted/),
		});
		const mfa = await credentialTest({ email: 'mfa@example.com' });
		expect(mfa.message).toMatch(
			/multi-factor authentication: the app sent the login on to its MFA page \(\/agentchat\/auth\/mfa\/verify\/\).*set Authentication to Session Cookie/,
		);
		expect(ctx.sandbox.agentChat.stats.mfaLogins).toBe(1);
		expect(await credentialTest({ apiPath: '/chat' })).toEqual(
			expect.objectContaining({
				status: 'Error',
				message: expect.stringMatching(
					/^Logged in, but there is no agent API under the Agent API Path \(404\)/,
				),
			}),
		);
		expect((await credentialTest({ siteUrl: `${ctx.sandbox.url}/elsewhere` })).message).toMatch(
			/answered 404 .*the Site URL is the address/,
		);
		expect((await credentialTest({ siteUrl: 'http://127.0.0.1:9' })).message).toMatch(
			/ECONNREFUSED|refused/,
		);
		expect(JSON.stringify(ctx.sandbox.requests)).not.toContain(PASSWORD);
	});

	it('passes with a pasted cookie (with or without its CSRF token), and names a cookie that is no longer logged in', async () => {
		const { sessionid, csrftoken } = await browserLogin();
		expect(
			await credentialTest({
				authMethod: 'sessionCookie',
				sessionCookieToken: `sessionid=${sessionid}; csrftoken=${csrftoken}`,
			}),
		).toMatchObject({ status: 'OK' });
		expect(
			await credentialTest({ authMethod: 'sessionCookie', sessionCookieToken: sessionid }),
		).toMatchObject({ status: 'OK' });
		ctx.sandbox.agentChat.expireSessions();
		expect(
			(await credentialTest({ authMethod: 'sessionCookie', sessionCookieToken: sessionid }))
				.message,
		).toMatch(/^The pasted session cookie is not logged in/);
	});

	it("reports the login page's CSRF answer (a redirect back to the login page) as such", async () => {
		// What the app answers when its CSRF check fails at login (CSRF_FAILURE_VIEW), replayed.
		ctx.sandbox.faults.add({
			method: 'POST',
			path: /\/auth\/login$/,
			kind: 'status',
			status: 302,
			headers: { Location: '/agentchat/auth/login/' },
			body: '',
		});
		expect((await credentialTest()).message).toMatch(
			/^The login was refused by the app's CSRF check/,
		);
	});
});

describe('Session', () => {
	it('renews an expired session transparently', async () => {
		const first = await ctx.run({ resource: 'model', operation: 'getAll' });
		const stored = first.credentialsHelper.updates.at(-1)?.data.sessionToken as string;
		ctx.sandbox.agentChat.expireSessions();
		const again = await ctx.run(
			{ resource: 'model', operation: 'getAll' },
			{ credentials: { sessionToken: stored } },
		);
		expect(json(again)).toHaveLength(3);
		expect(ctx.sandbox.agentChat.stats.logins).toBe(2);
		expect(paths(/\/api\/models$/).map((entry) => entry.status)).toEqual([200, 403, 200]);
	});

	/**
	 * Runs `work` with n8n-core's httpRequestWithAuthentication behaving as in an older n8n: it
	 * never gets `preAuthenticationRetryStatusCode` (so renews on 401 only), and before 2.10 it
	 * reads `ignoreHttpStatusErrors` as a flag (the object form ignores every status). With
	 * `lostCause`, as n8n 2.10 to 2.31 throw it: the NodeApiError around an error status without
	 * its cause (n8n-workflow's class field `cause;` resets it after `super()`).
	 */
	async function asInOlderN8n(
		{ statusExceptions, lostCause = false }: { statusExceptions: boolean; lostCause?: boolean },
		work: () => Promise<void>,
	) {
		const authentication = jest.requireActual<typeof AuthenticationHelpers>(AUTHENTICATION_HELPERS);
		const original = authentication.httpRequestWithAuthentication;
		const spy = jest
			.spyOn(authentication, 'httpRequestWithAuthentication')
			.mockImplementation(async function (
				this: unknown,
				type,
				options,
				workflow,
				node,
				additionalData,
			) {
				const ignore =
					statusExceptions || !options.ignoreHttpStatusErrors
						? options.ignoreHttpStatusErrors
						: true;
				try {
					return await original.call(
						this as never,
						type,
						{ ...options, ignoreHttpStatusErrors: ignore },
						workflow,
						node,
						additionalData,
					);
				} catch (error) {
					if (lostCause && error instanceof Error && error.name === 'NodeApiError')
						(error as { cause?: unknown }).cause = undefined;
					throw error;
				}
			});
		try {
			await work();
		} finally {
			spy.mockRestore();
		}
	}

	/** A first run stores a session, which then expires: the next run starts with it. */
	async function expiredSession(): Promise<string> {
		const first = await ctx.run({ resource: 'model', operation: 'getAll' });
		ctx.sandbox.agentChat.expireSessions();
		return first.credentialsHelper.updates.at(-1)?.data.sessionToken as string;
	}

	/** Sends a message with an expired session: renewed once, and the answer comes back. */
	async function sendsWithRenewedSession() {
		const again = await ctx.run(send('Hallo'), {
			credentials: { sessionToken: await expiredSession() },
		});
		expect(again.error).toBeUndefined();
		expect(json(again)[0].answer).toMatch(/Hallo/);
		expect(ctx.sandbox.agentChat.stats.logins).toBe(2);
		// The new thread's ID (the first request) met the expired session; the rest went with the new one.
		expect(paths(/\/api\/threads\/create$/).map((entry) => entry.status)).toEqual([403, 201]);
		expect(paths(/\/api\/default-config$/).map((entry) => entry.status)).toEqual([200]);
		expect(paths(/\/api\/threads\/runs$/).map((entry) => entry.status)).toEqual([200]);
	}

	it('renews an expired session itself in n8n before 2.10 (1.123.x, 2.0.x: no status exceptions, no retry status option)', async () => {
		await asInOlderN8n({ statusExceptions: false }, sendsWithRenewedSession);
	});

	it('renews an expired session itself in n8n 2.10 to 2.39 (status exceptions, but renewal on 401 only)', async () => {
		await asInOlderN8n({ statusExceptions: true }, async () => {
			const again = await ctx.run(
				{ resource: 'model', operation: 'getAll' },
				{ credentials: { sessionToken: await expiredSession() } },
			);
			expect(again.error).toBeUndefined();
			expect(json(again)).toHaveLength(3);
			expect(ctx.sandbox.agentChat.stats.logins).toBe(2);
			expect(paths(/\/api\/models$/).map((entry) => entry.status)).toEqual([200, 403, 200]);
		});
	});

	it('renews an expired session itself in n8n 2.10 to 2.31, whose error for the status has lost its cause', async () => {
		await asInOlderN8n({ statusExceptions: true, lostCause: true }, sendsWithRenewedSession);
	});

	it('stops at an MFA account with the advice to paste a cookie, and never reports the password', async () => {
		const mfa = await ctx.run(send('Hallo'), { credentials: { email: 'mfa@example.com' } });
		expect(mfa.error?.message).toMatch(
			/multi-factor authentication.*paste the browser's sessionid cookie/,
		);
		expect(ctx.sandbox.agentChat.stats.runs).toBe(0);
		const wrong = await ctx.run(
			{ resource: 'model', operation: 'getAll' },
			{ credentials: { password: 'not-it' } },
		);
		expect(wrong.error?.message).toMatch(/The e-mail or password was not accepted/);
		expect(JSON.stringify([mfa.run, wrong.run])).not.toContain(PASSWORD);
		const unreachable = await ctx.run(
			{ resource: 'model', operation: 'getAll' },
			{ credentials: { siteUrl: 'http://127.0.0.1:9' } },
		);
		expect(unreachable.error?.message).toMatch(/ECONNREFUSED|refused/);
	});

	it('works with a pasted session cookie, and says so when it has expired', async () => {
		const { sessionid, csrftoken } = await browserLogin();
		const pasted = {
			authMethod: 'sessionCookie',
			sessionCookieToken: `sessionid=${sessionid}; csrftoken=${csrftoken}`,
		};
		expect(
			json(await ctx.run({ resource: 'thread', operation: 'create' }, { credentials: pasted }))[0]
				.thread_id,
		).toEqual(expect.any(String));
		ctx.sandbox.agentChat.expireSessions();
		const stale = await ctx.run(
			{ resource: 'thread', operation: 'create' },
			{ credentials: pasted },
		);
		expect(stale.error?.message).toMatch(/The pasted session cookie is not logged in/);
	});
});

describe('Run › Send Message', () => {
	it("sends with the Accept header the app takes, and names the app's default model when Model is empty (asked once per run)", async () => {
		const result = await ctx.run(send('={{ $json.q }}'), {
			input: [{ q: 'Wie viele Urlaubstage?' }, { q: 'Und im Jahr danach?' }],
		});
		const replies = json(result);
		expect(replies.map((reply) => reply.model_id)).toEqual([
			ctx.sandbox.agentChat.ids.defaultModel,
			ctx.sandbox.agentChat.ids.defaultModel,
		]);
		const thread = ctx.sandbox.agentChat.thread(replies[0].thread_id as string);
		expect(replies[0].answer).toBe(String(thread?.conversation_history.at(-1)?.content).trim());
		expect(replies[0].answer).toMatch(/^Agent General Assistant answers: Wie viele Urlaubstage\?/);
		expect(Object.keys(replies[0])[0]).toBe('answer');
		expect(paths(/\/api\/default-config$/)).toHaveLength(1);
		expect(paths(/\/api\/threads\/runs$/).map((entry) => entry.headers.accept)).toEqual([
			'text/event-stream, */*',
			'text/event-stream, */*',
		]);
		expect(ctx.sandbox.agentChat.stats.notAcceptable).toBe(0);
	});

	it('continues a thread whose stored agent overrides the model asked for', async () => {
		const { models } = ctx.sandbox.agentChat.ids;
		const [first] = json(await ctx.run(send('Erste Frage', { modelId: locator(models[1]) })));
		const [second] = json(
			await ctx.run(
				send('Zweite Frage', {
					threadMode: 'existing',
					threadId: locator(first.thread_id as string),
					modelId: locator(models[2]),
				}),
			),
		);
		expect(second.thread_id).toBe(first.thread_id);
		expect(ctx.sandbox.agentChat.thread(first.thread_id as string)?.current_agent_id).toBe(
			models[1],
		);
		expect(String(second.answer)).toMatch(/^Agent Research Agent answers/);
	});

	it('names an unknown model, a model ID or thread ID that is no UUID, and an app without a default model', async () => {
		const unknown = await ctx.run(
			send('Hallo', { modelId: locator('9b1f6c3e-0009-4a7d-8c11-00000000a009') }),
		);
		expect(unknown.error?.message).toBe(
			'Agent Chat error unknown_model (HTTP 500): Agent matching query does not exist.',
		);
		expect(unknown.error?.description).toMatch(/not an agent of this app: pick one from the list/);

		const badModel = await ctx.run(send('Hallo', { modelId: locator('gpt-4') }));
		expect(badModel.error?.message).toMatch(/"Model" must be a UUID/);
		const badThread = await ctx.run(
			send('Hallo', { threadMode: 'existing', threadId: locator('thread-1') }),
		);
		expect(badThread.error?.message).toMatch(/"Thread" must be a UUID/);
		expect(paths(/\/api\/threads\/runs$/)).toHaveLength(1);

		ctx.sandbox.agentChat.state.agents.delete(ctx.sandbox.agentChat.ids.defaultModel);
		const noDefault = await ctx.run(send('Hallo'));
		expect(noDefault.error?.message).toBe(
			'Agent Chat error no_default_model (HTTP 404): No agent found with model_name: claude-sonnet-4-5',
		);
	});

	it('forwards the reply chunk by chunk to a streaming webhook', async () => {
		const result = await ctx.run(send('Streame mir das'), { streaming: true });
		const [reply] = json(result);
		const items = result.chunks.filter((chunk) => chunk.type === 'item');
		expect(
			items
				.map((chunk) => chunk.content)
				.join('')
				.trim(),
		).toBe(reply.answer);
		expect(items.length).toBeGreaterThan(1);
		expect(result.chunks.map((chunk) => chunk.type).at(-1)).toBe('end');
	});

	it('turns an inline [Stream Error] into a node error, forwards none of it, and a retry does not take the empty stored reply as an answer', async () => {
		const result = await ctx.run(send('Bitte [stream-error] auslösen'), {
			streaming: true,
			retry: { maxTries: 2 },
		});
		expect(result.error?.message).toBe(
			'The agent reported an error while answering: Simulated model failure',
		);
		const forwarded = result.chunks
			.filter((chunk) => chunk.type === 'item')
			.map((chunk) => chunk.content)
			.join('');
		expect(forwarded).not.toContain('[Stream Error]');
		// The app stored `content: null` after each failure; the retry looked, found no answer, and asked once more in the same thread.
		const [thread] = [...ctx.sandbox.agentChat.threadsOf().values()];
		expect(
			thread.conversation_history.map((entry) => [
				entry.role,
				entry.content === null ? null : 'text',
			]),
		).toEqual([
			['user', 'text'],
			['assistant', null],
			['user', 'text'],
			['assistant', null],
		]);
		expect(paths(/\/api\/threads$/)).toHaveLength(1);
	});

	it("turns the app's billing sentence into a node error, and streams none of it to the webhook", async () => {
		const result = await ctx.run(send('Noch eine Frage'), {
			credentials: { email: 'nounits@example.com' },
			streaming: true,
		});
		expect(result.error?.message).toBe(
			`The agent did not answer because the account ran out of units: “${BILLING_SENTENCE}”`,
		);
		expect(result.items).toHaveLength(0);
		expect(result.chunks.filter((chunk) => chunk.type === 'item')).toEqual([]);
		// The app stops before it stores anything.
		expect(ctx.sandbox.agentChat.threadsOf('nounits@example.com').size).toBe(0);
	});

	it('reports a reply that breaks off, never a partial answer', async () => {
		ctx.sandbox.faults.add({
			method: 'POST',
			path: /\/api\/threads\/runs$/,
			kind: 'cutStream',
			afterChunks: 3,
		});
		const result = await ctx.run(send('Abbruch'));
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).toMatch(
			/^The agent's answer stream broke off after \d+ chunks; no answer is reported$/,
		);
	});
});

describe('File › Upload', () => {
	it("reports what the app did: the file stored in the thread, its name, size and pages; the app's answer is empty", async () => {
		const content = 'Urlaubsantrag für August';
		const [upload] = json(
			await ctx.run(
				{ resource: 'file', operation: 'upload', binaryPropertyName: 'data' },
				{ items: fileItem(content, 'antrag.txt', 'text/plain') },
			),
		);
		expect(upload).toEqual({
			file_name: 'antrag.txt',
			thread_id: expect.any(String),
			stored: true,
			pages: 1,
			size: Buffer.byteLength(content),
			mime_type: 'text/plain',
		});
		const thread = ctx.sandbox.agentChat.thread(upload.thread_id as string);
		expect(
			thread?.conversation_history.map((entry) => [entry.role, entry.metadata?.filename]),
		).toEqual([['user_image', 'antrag.txt']]);
		expect(ctx.sandbox.agentChat.stats.uploads).toBe(1);
		expect(ctx.sandbox.agentChat.stats.runs).toBe(0);
	});

	it('can send a message about the file afterwards: the answer comes first, from the agent the upload gave the thread', async () => {
		const { models, firstModel } = ctx.sandbox.agentChat.ids;
		const result = await ctx.run(
			{
				resource: 'file',
				operation: 'upload',
				binaryPropertyName: 'data',
				followUp: true,
				followUpMessage: 'Fasse die Datei zusammen',
				modelId: locator(models[1]),
			},
			{ items: fileItem(TWO_PAGE_PDF, 'vertrag.pdf', 'application/pdf') },
		);
		const [reply] = json(result);
		expect(Object.keys(reply)[0]).toBe('answer');
		expect(reply).toMatchObject({
			file_name: 'vertrag.pdf',
			stored: true,
			pages: 2,
			message: 'Fasse die Datei zusammen',
			model_id: models[1],
		});
		expect(reply.answer).toMatch(/^Agent General Assistant answers: Fasse die Datei zusammen\./);
		expect(ctx.sandbox.agentChat.thread(reply.thread_id as string)?.current_agent_id).toBe(
			firstModel,
		);
	});

	it('turns a file the app cannot read, and the billing sentence, into node errors', async () => {
		const unreadable = await ctx.run(
			{ resource: 'file', operation: 'upload', binaryPropertyName: 'data' },
			{
				items: fileItem(
					'PK\u0003\u0004',
					'notiz.docx',
					'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
				),
			},
		);
		expect(unreadable.error?.message).toBe(
			"The app could not read the file: Failed to open file '.tmp/notiz.docx'.",
		);
		const broke = await ctx.run(
			{ resource: 'file', operation: 'upload', binaryPropertyName: 'data' },
			{
				items: fileItem(TWO_PAGE_PDF, 'vertrag.pdf', 'application/pdf'),
				credentials: { email: 'nounits@example.com' },
			},
		);
		expect(broke.error?.message).toBe(
			`The app did not take the file because the account ran out of units: “${BILLING_SENTENCE}”`,
		);
	});
});

describe('Thread', () => {
	it('creates, gets (empty before its first run), lists and deletes threads', async () => {
		const [created] = json(await ctx.run({ resource: 'thread', operation: 'create' }));
		const threadId = created.thread_id as string;
		const [empty] = json(
			await ctx.run({ resource: 'thread', operation: 'get', threadId: locator(threadId) }),
		);
		expect(empty).toEqual({ thread_id: threadId, messages: [], empty: true });

		json(
			await ctx.run(
				send('Jetzt mit Inhalt', { threadMode: 'existing', threadId: locator(threadId) }),
			),
		);
		const [full] = json(
			await ctx.run({ resource: 'thread', operation: 'get', threadId: locator(threadId) }),
		);
		expect((full.messages as IDataObject[]).map((message) => message.role)).toEqual([
			'user',
			'assistant',
		]);
		expect(
			json(await ctx.run({ resource: 'thread', operation: 'getAll', returnAll: true })),
		).toEqual([{ thread_id: threadId, title: 'Jetzt mit Inhalt' }]);
		expect(
			json(await ctx.run({ resource: 'thread', operation: 'delete', threadId: locator(threadId) })),
		).toEqual([{ deleted: true, thread_id: threadId, status: 'deleted' }]);
		expect(
			json(await ctx.run({ resource: 'thread', operation: 'getAll', returnAll: true })),
		).toEqual([]);
	});

	it('reports deleting a thread that was never run (nothing stored) as such, not as an error', async () => {
		const [created] = json(await ctx.run({ resource: 'thread', operation: 'create' }));
		const [deleted] = json(
			await ctx.run({
				resource: 'thread',
				operation: 'delete',
				threadId: locator(created.thread_id as string),
			}),
		);
		expect(deleted).toMatchObject({
			deleted: false,
			thread_id: created.thread_id,
			status: 'not_stored',
			note: expect.stringMatching(/never run, or deleted already/),
		});
	});

	it('says that the app lists at most its 20 latest threads: a hint when Return All gets 20', async () => {
		for (let index = 0; index < 23; index++) {
			ctx.sandbox.agentChat.state.memories.set(`1 t${index}`, {
				thread_id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
				user_id: 1,
				owner: EMAIL,
				current_agent_id: null,
				conversation_history: [{ role: 'user', content: `Frage ${index}` }],
				updated: index + 1,
			});
		}
		const result = await ctx.run({ resource: 'thread', operation: 'getAll', returnAll: true });
		const threads = json(result);
		expect(threads).toHaveLength(20);
		expect(threads[0].title).toBe('Frage 22');
		const hints = result.run.data.resultData.runData['Node under test'][0].hints ?? [];
		expect(hints.map((hint) => hint.message)).toEqual([
			expect.stringMatching(/^The app returned 20 threads, the most it lists/),
		]);
		const few = await ctx.run({
			resource: 'thread',
			operation: 'getAll',
			returnAll: false,
			limit: 5,
		});
		expect(json(few)).toHaveLength(5);
		expect(few.run.data.resultData.runData['Node under test'][0].hints ?? []).toEqual([]);
	});

	it("turns the app's HTML error pages into a short message: status and page title", async () => {
		const wrongPath = await ctx.run(
			{ resource: 'thread', operation: 'getAll', returnAll: true },
			{ credentials: { apiPath: '/chat' } },
		);
		expect(wrongPath.error?.message).toBe(
			'Agent Chat error html_page (HTTP 404): an HTML page instead of data: “404 Not Found”',
		);
		expect(wrongPath.error?.description).toMatch(/check Site URL and Agent API Path/);
		ctx.sandbox.agentChat.configure({ debug: true });
		try {
			const debug = await ctx.run(
				{ resource: 'model', operation: 'getAll' },
				{ credentials: { apiPath: '/chat' } },
			);
			expect(debug.error?.message).toBe(
				'Agent Chat error html_page (HTTP 404): an HTML page instead of data: “Page not found at /agentchat/chat/api/models”',
			);
		} finally {
			ctx.sandbox.agentChat.configure({ debug: false });
		}
	});
});

describe('Lists in the editor (resource locators)', () => {
	it("lists models and threads through the credential's URLs", async () => {
		const search = async (method: string, filter?: string) =>
			await runListSearch({
				type: 'agentChat',
				parameters: {},
				credentials: { agentChatApi: ctx.credentials() as ICredentialDataDecryptedObject },
				method,
				filter,
			});
		expect((await search('searchModels', 'research')).results).toEqual([
			{
				name: 'Research Agent',
				value: ctx.sandbox.agentChat.ids.models[1],
				description: 'Digs into a topic and reports back.',
			},
		]);
		const [reply] = json(await ctx.run(send('Eine Frage für die Liste')));
		expect((await search('searchThreads')).results).toEqual([
			{ name: 'Eine Frage für die Liste', value: reply.thread_id },
		]);
	});
});

describe('Model', () => {
	it('lists the agents (with label, also output as name), and gets the default configuration', async () => {
		const models = json(await ctx.run({ resource: 'model', operation: 'getAll' }));
		expect(models.map((model) => [model.label, model.name])).toEqual([
			['General Assistant', 'General Assistant'],
			['Research Agent', 'Research Agent'],
			['Support Agent', 'Support Agent'],
		]);
		const [config] = json(await ctx.run({ resource: 'model', operation: 'getDefault' }));
		expect(config).toMatchObject({
			model: ctx.sandbox.agentChat.ids.defaultModel,
			model_name: 'claude-sonnet-4-5',
			system_prompt: expect.any(String),
		});
	});
});

describe('The sandbox answers as the app does (grit-one-sdk-python a35603e)', () => {
	it('refuses a bare text/event-stream Accept with 406 before anything else; */* passes', async () => {
		const { headers } = await browserLogin();
		const url = `${ctx.sandbox.agentChat.apiUrl}/api/threads/runs`;
		const body = JSON.stringify({
			message: 'Hallo',
			thread_id: '550e8400-e29b-41d4-a716-446655440000',
			model_id: ctx.sandbox.agentChat.ids.defaultModel,
		});
		const bare = await fetch(url, {
			method: 'POST',
			headers: { ...headers, accept: 'text/event-stream' },
			body,
		});
		expect([bare.status, await bare.json()]).toEqual([
			406,
			{ detail: 'Could not satisfy the request Accept header.' },
		]);
		const anonymous = await fetch(url, {
			method: 'POST',
			headers: { accept: 'text/event-stream' },
			body,
		});
		expect(anonymous.status).toBe(406);
		const accepted = await fetch(url, {
			method: 'POST',
			headers: { ...headers, accept: 'text/event-stream, */*' },
			body,
		});
		expect([accepted.status, accepted.headers.get('content-type')]).toEqual([
			200,
			'text/event-stream',
		]);
		expect(await accepted.text()).toMatch(/^Agent General Assistant answers: Hallo\./);
	});

	it('answers an MFA login with a 302 to the MFA page and a session that is not logged in', async () => {
		const { answer, sessionid, headers } = await browserLogin('mfa@example.com');
		expect([answer.status, answer.headers.get('location')]).toEqual([
			302,
			'/agentchat/auth/mfa/verify/',
		]);
		expect(sessionid).toMatch(/^[a-z0-9]{32}$/);
		const check = await fetch(`${ctx.sandbox.agentChat.siteUrl}/auth/is-authenticated/`, {
			method: 'POST',
			headers,
		});
		expect([check.status, await check.json()]).toEqual([
			403,
			{ detail: 'Authentication credentials were not provided.' },
		]);
	});

	it('redirects a login that fails the CSRF check back to the login page, and refuses API calls without the token with 403 {detail}', async () => {
		const login = await fetch(`${ctx.sandbox.agentChat.siteUrl}/auth/login/`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ email: EMAIL, password: PASSWORD }).toString(),
		});
		expect([login.status, login.headers.get('location'), login.headers.getSetCookie()]).toEqual([
			302,
			'/agentchat/auth/login/',
			[],
		]);
		const { sessionid } = await browserLogin();
		const noToken = await fetch(`${ctx.sandbox.agentChat.apiUrl}/api/threads/create`, {
			method: 'POST',
			headers: { cookie: `sessionid=${sessionid}` },
		});
		expect([noToken.status, await noToken.json()]).toEqual([
			403,
			{ detail: 'CSRF Failed: CSRF cookie not set.' },
		]);
	});

	it('requires model_id, and answers an unknown model, a malformed thread ID and unknown paths as the app does', async () => {
		const { headers } = await browserLogin();
		const api = ctx.sandbox.agentChat.apiUrl;
		const post = async (path: string, body: IDataObject, method = 'POST') =>
			await fetch(`${api}${path}`, { method, headers, body: JSON.stringify(body) });
		const noModel = await post('/api/threads/runs', {
			message: 'Hallo',
			thread_id: '550e8400-e29b-41d4-a716-446655440000',
		});
		expect([noModel.status, await noModel.json()]).toEqual([
			400,
			{ error: 'Model ID is required' },
		]);
		const unknown = await post('/api/threads/runs', {
			message: 'Hallo',
			thread_id: '550e8400-e29b-41d4-a716-446655440000',
			model_id: '550e8400-e29b-41d4-a716-446655440001',
		});
		expect([unknown.status, await unknown.json()]).toEqual([
			500,
			{ error: 'Agent matching query does not exist.' },
		]);
		const malformed = await post('/api/threads/', { thread_id: 'abc' });
		expect([malformed.status, malformed.headers.get('content-type')]).toEqual([
			500,
			'text/html; charset=utf-8',
		]);
		expect(await malformed.text()).toContain('<title>Server Error (500)</title>');
		const notStored = await post(
			'/api/threads/',
			{ thread_id: '550e8400-e29b-41d4-a716-446655440000' },
			'DELETE',
		);
		expect([notStored.status, await notStored.json()]).toEqual([
			404,
			{ success: false, error: 'Thread not found' },
		]);
		const nowhere = await fetch(`${api}/api/nowhere`, { headers });
		expect([nowhere.status, await nowhere.text()]).toEqual([
			404,
			expect.stringContaining('<title>404 Not Found</title>'),
		]);
		const anonymous = await fetch(`${api}/api/threads/list`, { method: 'POST' });
		expect([anonymous.status, await anonymous.json()]).toEqual([
			403,
			{ detail: 'Authentication credentials were not provided.' },
		]);
	});

	it('answers an upload with an empty text/plain body, and the thread list with the 20 latest threads', async () => {
		const { headers } = await browserLogin();
		const form = new FormData();
		form.append('thread_id', '550e8400-e29b-41d4-a716-446655440000');
		form.append('file', new Blob([TWO_PAGE_PDF]), 'vertrag.pdf');
		const upload = await fetch(`${ctx.sandbox.agentChat.apiUrl}/api/files/upload`, {
			method: 'POST',
			headers: { cookie: headers.cookie, 'x-csrftoken': headers['x-csrftoken'] },
			body: form,
		});
		expect([upload.status, upload.headers.get('content-type'), await upload.text()]).toEqual([
			200,
			'text/plain',
			'',
		]);
		for (let index = 0; index < 21; index++) {
			const thread = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
			const run = await fetch(`${ctx.sandbox.agentChat.apiUrl}/api/threads/runs`, {
				method: 'POST',
				headers,
				body: JSON.stringify({
					message: `Frage ${index}`,
					thread_id: thread,
					model_id: ctx.sandbox.agentChat.ids.defaultModel,
				}),
			});
			await run.text();
		}
		const list = await fetch(`${ctx.sandbox.agentChat.apiUrl}/api/threads/list`, {
			method: 'POST',
			headers,
		});
		const { memories } = (await list.json()) as { memories: IDataObject[] };
		expect(memories).toHaveLength(20);
		expect(memories[0].title).toBe('Frage 20');
	});
});
