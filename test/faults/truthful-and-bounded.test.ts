/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * Issue 12's findings that are about one setting or one message rather than a fault kind:
 * bounds that an expression cannot switch off, Retry-After waits inside the node's time limits,
 * messages that say what happened (quota, expired session, bad JSON input), character limits
 * counted as the API counts them, IDs that cannot reach another path, and an Agent Chat thread
 * that is never shared by accident.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { runNode } from '../helpers/n8n-harness';
import {
	agentChat,
	agentCredentials,
	agentSession,
	griptape,
	griptapeCredentials,
	haufe,
	haufeCredentials,
	locator,
	openai,
	openaiCredentials,
} from './fixtures';
import type { FaultKind } from './proxy';
import { FaultProxy } from './proxy';
import { useSuiteSandbox } from './suite';

const sandbox = useSuiteSandbox({
	haufe: { rateLimits: null, streamChunkDelayMs: 1 },
	griptape: { runStepMs: 5, tokenDelayMs: 1 },
	openai: { runStepMs: 5, tokenDelayMs: 1 },
	agentChat: { chunkDelayMs: 1 },
});
afterEach(() => sandbox().reset());

type Credentials = (sb: ReturnType<typeof sandbox>, proxy: FaultProxy) => IDataObject;

/** Runs a node through a proxy with the given faults; returns the result, the proxy and the time taken. */
async function through(
	type: string,
	credential: string,
	credentials: Credentials,
	parameters: IDataObject,
	faults: Array<{ kind: FaultKind; method: string; path: RegExp; times?: number }> = [],
	extra: { continueOnFail?: boolean; input?: IDataObject[] } = {},
) {
	const proxy = await FaultProxy.start(sandbox().url, `bounded-${Math.random()}`);
	faults.forEach((fault) => proxy.add(fault));
	const started = Date.now();
	try {
		const result = await runNode({
			type,
			parameters,
			credentials: {
				[credential]: credentials(sandbox(), proxy) as ICredentialDataDecryptedObject,
			},
			...extra,
		});
		return { result, proxy, ms: Date.now() - started };
	} finally {
		await proxy.close();
	}
}

const haufeNode = (parameters: IDataObject, faults: Parameters<typeof through>[4] = []) =>
	through('haufeCopilot', 'haufeCopilotApi', haufeCredentials, parameters, faults);

describe('Bounded everything', () => {
	it.each([
		['0', '={{ 0 }}'],
		['−1', '={{ -1 }}'],
		['0.001', '={{ 0.001 }}'],
	])(
		'a Timeout of %s from an expression still times out (clamped), without an uncaught exception',
		async (_name, timeout) => {
			const threadId = await haufe(sandbox()).thread();
			const { result, ms } = await haufeNode(
				{
					resource: 'thread',
					operation: 'get',
					threadId: locator(threadId),
					requestOptions: { timeout, maxRetries: 0 },
				},
				[{ kind: 'hang', method: 'GET', path: /\/threads\/[^/]+$/ }],
			);
			expect(result.error?.message).toMatch(
				/^Haufe Copilot did not answer GET .* within \d+ s \((ECONNABORTED|ETIMEDOUT)\)$/,
			);
			expect(ms).toBeLessThan(5000);
		},
		10_000,
	);

	it('gives the trigger a Timeout: a hung server fails a poll within it', async () => {
		const { runPoll } = await import('../helpers/n8n-harness');
		const proxy = await FaultProxy.start(sandbox().url, 'trigger-hang');
		proxy.add({ kind: 'hang', method: 'GET', path: /\/runs$/, times: 10 });
		const started = Date.now();
		try {
			const polled = await runPoll({
				type: 'griptapeCloudTrigger',
				parameters: {
					event: 'runFinished',
					assistantId: locator(sandbox().griptape.ids.assistants[0]),
					requestOptions: { timeout: 1, maxRetries: 1 },
				},
				credentials: {
					griptapeCloudApi: griptapeCredentials(sandbox(), proxy) as ICredentialDataDecryptedObject,
				},
			});
			expect(polled.error?.message).toMatch(/did not answer GET .* within 1 s/);
			expect(Date.now() - started).toBeLessThan(5000);
		} finally {
			await proxy.close();
		}
	}, 10_000);

	it('a Poll Interval of 0 does not flood the API (Griptape events, OpenAI-style runs)', async () => {
		const started = Date.now();
		const griptapeRun = await through('griptapeCloud', 'griptapeCloudApi', griptapeCredentials, {
			resource: 'assistantRun',
			operation: 'create',
			assistantId: locator(griptape(sandbox()).assistantId),
			input: '[hang] warten',
			waitForCompletion: 'events',
			options: { pollInterval: '={{ 0 }}', waitTimeout: 1 },
		});
		expect(griptapeRun.result.error?.message).toMatch(/did not finish within 1 s/);
		const threadId = await openai(sandbox()).thread('[hang] warten');
		const openaiRun = await through('openAiThreads', 'openAiThreadsApi', openaiCredentials, {
			resource: 'run',
			operation: 'create',
			threadId,
			assistantId: locator(openai(sandbox()).assistantId),
			waitForCompletion: 'poll',
			waitOptions: { pollInterval: '={{ 0 }}', waitTimeout: 1 },
		});
		expect(openaiRun.result.error?.message).toMatch(/did not finish within 1 s/);
		// At most 20 checks a second (0.05 s apart), of one or two requests each.
		expect(griptapeRun.proxy.log.length).toBeLessThan(60);
		expect(openaiRun.proxy.log.length).toBeLessThan(30);
		expect(Date.now() - started).toBeLessThan(5000);
	}, 15_000);

	it('a Retry-After longer than the wait left is not waited for, and the message says how long the API asked', async () => {
		// 30 s: within a request's Timeout (120 s), but longer than the 2 s the wait has.
		sandbox().faults.add({
			method: 'GET',
			path: /\/events$/,
			kind: 'status',
			status: 429,
			retryAfter: 30,
			times: 20,
		});
		const started = Date.now();
		const result = await runNode({
			type: 'griptapeCloud',
			parameters: {
				resource: 'assistantRun',
				operation: 'create',
				assistantId: locator(griptape(sandbox()).assistantId),
				input: 'Hallo',
				waitForCompletion: 'events',
				options: { pollInterval: 0.05, waitTimeout: 2 },
			},
			credentials: {
				griptapeCloudApi: { apiKey: 'sandbox-griptape-key', baseUrl: sandbox().griptape.baseUrl },
			},
		});
		expect(result.error?.message).toMatch(/HTTP 429.*\(the API asks to wait 30 s\)$/);
		expect(Date.now() - started).toBeLessThan(3000);
	}, 10_000);

	it('a Retry-After longer than the request Timeout is not waited for', async () => {
		const threadId = await haufe(sandbox()).thread();
		sandbox().faults.add({
			method: 'GET',
			path: /\/threads\/[^/]+$/,
			kind: 'status',
			status: 429,
			retryAfter: 5,
		});
		const started = Date.now();
		const result = await runNode({
			type: 'haufeCopilot',
			parameters: {
				resource: 'thread',
				operation: 'get',
				threadId: locator(threadId),
				requestOptions: { timeout: 2 },
			},
			credentials: {
				haufeCopilotApi: { apiKey: 'sandbox-haufe-key', baseUrl: sandbox().haufe.baseUrl },
			},
		});
		expect(result.error?.message).toBe(
			'Haufe Copilot error rate_limit_error (HTTP 429): Rate limit exceeded (the API asks to wait 5 s)',
		);
		expect(result.error?.description).toMatch(
			/^The API asked to wait 5 s before the next request \(Retry-After\)/,
		);
		expect(Date.now() - started).toBeLessThan(2000);
	});

	it('clamps Concurrency: 500 from an expression runs at most 20 questions at once', async () => {
		let open = 0;
		let most = 0;
		const proxy = await FaultProxy.start(sandbox().url, 'concurrency');
		proxy.onRequest = async (entry) => {
			if (!/\/run$/.test(entry.path)) return;
			open++;
			most = Math.max(most, open);
			await new Promise((resolve) => setTimeout(resolve, 30));
			open--;
		};
		try {
			const result = await runNode({
				type: 'haufeCopilot',
				parameters: {
					resource: 'question',
					operation: 'ask',
					assistantId: locator(haufe(sandbox()).hr),
					question: '={{ $json.q }}',
					options: { concurrency: '={{ 500 }}' },
				},
				input: Array.from({ length: 30 }, (_, index) => ({ q: `Frage ${index}` })),
				credentials: {
					haufeCopilotApi: haufeCredentials(sandbox(), proxy) as ICredentialDataDecryptedObject,
				},
			});
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(30);
			expect(most).toBeLessThanOrEqual(20);
		} finally {
			await proxy.close();
		}
	});
});

describe('Messages that tell the truth', () => {
	it('a plain Haufe run that timed out says an answer may be stored, and where to look', async () => {
		const threadId = await haufe(sandbox()).thread(['Frage']);
		const { result } = await haufeNode(
			{
				resource: 'run',
				operation: 'run',
				threadId: locator(threadId),
				requestOptions: { timeout: 1 },
			},
			[{ kind: 'hang', method: 'POST', path: /\/run$/ }],
		);
		expect(result.error?.message).toMatch(/^Haufe Copilot did not answer POST .*\/run within 1 s/);
		expect(result.error?.description).toContain(
			`The assistant may have stored an answer in thread ${threadId}: look at the thread's messages (Message > Get Many) before asking again.`,
		);
		// The answer was stored: the message is right to say so.
		expect(
			sandbox()
				.haufe.state.messages.get(threadId)
				?.map((message) => message.role),
		).toEqual(['user', 'assistant']);
	});

	it('does not retry insufficient_quota, and says it is about billing, not the rate', async () => {
		sandbox().faults.add({
			method: 'GET',
			path: /\/threads\/[^/]+$/,
			kind: 'status',
			status: 429,
			times: 5,
			body: {
				error: {
					message: 'You exceeded your current quota, please check your plan and billing details.',
					type: 'insufficient_quota',
					param: null,
					code: 'insufficient_quota',
				},
			},
		});
		const result = await runNode({
			type: 'openAiThreads',
			parameters: { resource: 'thread', operation: 'get', threadId: 'thread_abc' },
			credentials: {
				openAiThreadsApi: { baseUrl: sandbox().openai.baseUrl, apiKey: 'sandbox-openai-key' },
			},
		});
		expect(result.error?.message).toBe(
			'Assistants API error insufficient_quota (HTTP 429): You exceeded your current quota, please check your plan and billing details.',
		);
		expect(result.error?.description).toMatch(
			/^The account has no quota or credit left. This is not a rate limit: retrying does not help/,
		);
		expect(sandbox().requests).toHaveLength(1);
	});

	it('names the field of a JSON input that holds null entries or is nested 5,000 levels deep', async () => {
		const nullEvents = await runNode({
			type: 'griptapeCloud',
			parameters: {
				resource: 'event',
				operation: 'create',
				structureRunId: sandbox().griptape.ids.structureRunId,
				eventsJson: '[null]',
			},
			credentials: {
				griptapeCloudApi: { apiKey: 'sandbox-griptape-key', baseUrl: sandbox().griptape.baseUrl },
			},
		});
		expect(nullEvents.error?.message).toBe(
			'"Events (JSON)" entry 1 must be a JSON object, got null',
		);
		const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
		const threadId = await haufe(sandbox()).thread(['Frage']);
		const deepBody = await runNode({
			type: 'haufeCopilot',
			parameters: {
				resource: 'run',
				operation: 'run',
				threadId: locator(threadId),
				additionalBodyJson: deep,
			},
			credentials: {
				haufeCopilotApi: { apiKey: 'sandbox-haufe-key', baseUrl: sandbox().haufe.baseUrl },
			},
		});
		expect(deepBody.error?.message).toBe(
			'"Additional Body (JSON)" is nested more than 64 levels deep',
		);
		expect(
			sandbox().requests.filter((entry) => entry.method === 'POST' && entry.path.endsWith('/run')),
		).toHaveLength(0);
	});

	it('says an Agent Chat session has expired, not that the credential may not do this', async () => {
		const { sessionid, csrftoken } = JSON.parse(await agentSession(sandbox())) as {
			sessionid: string;
			csrftoken: string;
		};
		sandbox().agentChat.expireSessions();
		const result = await runNode({
			type: 'agentChat',
			parameters: { resource: 'model', operation: 'getAll' },
			credentials: {
				agentChatApi: {
					siteUrl: sandbox().agentChat.siteUrl,
					authMethod: 'sessionCookie',
					sessionCookieToken: `sessionid=${sessionid}; csrftoken=${csrftoken}`,
					sessionToken: JSON.stringify({ sessionid, csrftoken }),
				},
			},
		});
		// The pasted cookie is checked first (issue 11): its message says it expired.
		expect(result.error?.message).toMatch(
			/^Agent Chat: The pasted session cookie is not logged in \(expired, logged out/,
		);
	});
});

describe('Character limits as the API counts them', () => {
	it('counts code points: 16,000 emoji fit the 30,000-character limit, 30,001 do not', async () => {
		const threadId = await haufe(sandbox()).thread();
		const post = (content: string) =>
			runNode({
				type: 'haufeCopilot',
				parameters: {
					resource: 'message',
					operation: 'create',
					threadId: locator(threadId),
					role: 'user',
					content,
				},
				credentials: {
					haufeCopilotApi: { apiKey: 'sandbox-haufe-key', baseUrl: sandbox().haufe.baseUrl },
				},
			});
		const fits = await post('😀'.repeat(16_000));
		expect(fits.error).toBeUndefined();
		expect(fits.items[0].json.id).toEqual(expect.any(String));
		const tooLong = await post('😀'.repeat(30_001));
		expect(tooLong.error?.message).toBe('"Content" is 30001 characters long; the limit is 30000');
	});
});

describe('IDs that cannot reach another path', () => {
	it('Message > Delete with Message ID ".." is refused, and the thread stays', async () => {
		const threadId = await haufe(sandbox()).thread(['Frage']);
		const { result, proxy } = await haufeNode({
			resource: 'message',
			operation: 'delete',
			threadId: locator(threadId),
			messageId: '..',
		});
		expect(result.error?.message).toBe('"Message ID" must be an ID, got ".."');
		expect(proxy.log).toHaveLength(0);
		expect(sandbox().haufe.state.threads.get(threadId)?.deleted_at).toBeFalsy();
	});
});

describe('Agent Chat never shares a thread by accident', () => {
	it('fails each item when threads/create answers without thread_id, and sends no message', async () => {
		let session = '';
		session = await agentSession(sandbox());
		await agentChat(sandbox(), () => session).thread();
		const before = sandbox().requests.filter((entry) =>
			entry.path.endsWith('/api/threads/runs'),
		).length;
		const { result } = await through(
			'agentChat',
			'agentChatApi',
			(sb, proxy) => agentCredentials(sb, proxy, session),
			{ resource: 'run', operation: 'send', message: '={{ $json.message }}' },
			[{ kind: 'emptyObject200', method: 'POST', path: /\/api\/threads\/create$/, times: 10 }],
			{
				continueOnFail: true,
				input: [{ message: 'Meine Frage' }, { message: 'Eine andere Frage' }],
			},
		);
		expect(result.items.map((item) => item.json.error)).toEqual([
			expect.stringMatching(
				/^Agent Chat answered POST .*\/api\/threads\/create \(run: send\) with HTTP 200 but not with a new thread ID: expected a JSON object, got an empty JSON object/,
			),
			expect.stringMatching(/but not with a new thread ID/),
		]);
		expect(
			sandbox().requests.filter((entry) => entry.path.endsWith('/api/threads/runs')).length,
		).toBe(before);
		expect(
			[...sandbox().agentChat.state.memories.keys()].map((key) => key.split(' ')[1]),
		).not.toContain('undefined');
	});
});
