/**
 * Reads retry what is safe (issue 22): a 200 whose body is cut (where the HTTP layer cannot tell,
 * a close-delimited body), not JSON, or not what the operation needs is retried on a read (a GET,
 * or one of Agent Chat's read-only POSTs) like a network failure, within Max Retries, and reported
 * with the same contract error as before once the retries run out. A write that gets one is not
 * sent again: the server acted on it.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { runNode } from '../helpers/n8n-harness';
import {
	agentChat,
	agentCredentials,
	agentSession,
	griptape,
	griptapeCredentials,
	locator,
} from './fixtures';
import type { ProxyFaultKind } from './proxy';
import { FaultProxy } from './proxy';
import { useSuiteSandbox } from './suite';

const sandbox = useSuiteSandbox({
	griptape: { runStepMs: 5, tokenDelayMs: 1 },
	agentChat: { chunkDelayMs: 1 },
});

type Credentials = (sb: ReturnType<typeof sandbox>, proxy: FaultProxy) => IDataObject;

/** Runs a node through a proxy that breaks `times` requests matching `method` and `path`. */
async function through(
	type: string,
	credential: string,
	credentials: Credentials,
	parameters: IDataObject,
	fault: { kind: ProxyFaultKind; method: string; path: RegExp; times?: number },
) {
	const proxy = await FaultProxy.start(sandbox().url, `reads-${Math.random()}`);
	proxy.add(fault);
	try {
		const result = await runNode({
			type,
			parameters,
			credentials: {
				[credential]: credentials(sandbox(), proxy) as ICredentialDataDecryptedObject,
			},
		});
		return { result, sent: proxy.count(fault.method, fault.path), fired: proxy.fired };
	} finally {
		await proxy.close();
	}
}

const THREAD = /\/threads\/[^/]+$/;
const MALFORMED: ProxyFaultKind[] = [
	'cutCloseDelimited',
	'nonJson200',
	'emptyObject200',
	'html200',
];

const getThread = async (
	kind: ProxyFaultKind,
	times: number,
	maxRetries: number,
	threadId?: string,
) =>
	await through(
		'griptapeCloud',
		'griptapeCloudApi',
		griptapeCredentials,
		{
			resource: 'thread',
			operation: 'get',
			threadId: locator(threadId ?? (await griptape(sandbox()).thread())),
			requestOptions: { timeout: 2, maxRetries },
		},
		{ kind, method: 'GET', path: THREAD, times },
	);

describe('A read retries a malformed 200', () => {
	it.concurrent.each(MALFORMED)(
		'a GET answered once by %s succeeds with the second request',
		async (kind) => {
			const { result, sent, fired } = await getThread(kind, 1, 2);
			expect(result.error).toBeUndefined();
			expect(fired).toBe(1);
			expect(sent).toBe(2);
			expect(result.items[0].json.thread_id).toEqual(expect.any(String));
		},
	);

	it.concurrent.each(MALFORMED)(
		'a GET always answered by %s reports the contract error after Max Retries + 1 requests, as without retries',
		async (kind) => {
			const threadId = await griptape(sandbox()).thread();
			const { result, sent } = await getThread(kind, 10, 2, threadId);
			expect(sent).toBe(3);
			expect(result.error?.message).toMatch(
				/^Griptape Cloud answered GET .*\/threads\/[^ ]+ \(thread: get\) with HTTP 200 but not with /,
			);
			// The same message as a request that is not retried at all.
			const once = await getThread(kind, 10, 0, threadId);
			expect(once.sent).toBe(1);
			// Each proxy has its own port.
			const plain = (message?: string) => message?.replace(/127\.0\.0\.1:\d+/, 'proxy');
			expect(plain(result.error?.message)).toBe(plain(once.result.error?.message));
		},
	);

	it('an Agent Chat read-only POST (the thread list) answered once with {} succeeds with the second request', async () => {
		const session = await agentSession(sandbox());
		await agentChat(sandbox(), () => session).thread();
		const { result, sent, fired } = await through(
			'agentChat',
			'agentChatApi',
			(sb, proxy) => agentCredentials(sb, proxy, session),
			{
				resource: 'thread',
				operation: 'getAll',
				returnAll: false,
				limit: 1,
				requestOptions: { timeout: 2 },
			},
			{ kind: 'emptyObject200', method: 'POST', path: /\/api\/threads\/list$/ },
		);
		expect(result.error).toBeUndefined();
		expect([fired, sent]).toEqual([1, 2]);
	});
});

describe('A write reports a malformed 200 and is not sent again', () => {
	it.concurrent.each(['cutCloseDelimited', 'nonJson200', 'emptyObject200'] as ProxyFaultKind[])(
		'a POST that creates a thread, answered by %s',
		async (kind) => {
			const { result, sent } = await through(
				'griptapeCloud',
				'griptapeCloudApi',
				griptapeCredentials,
				{ resource: 'thread', operation: 'create', name: 'Neu', requestOptions: { timeout: 2 } },
				{ kind, method: 'POST', path: /\/threads$/ },
			);
			expect(sent).toBe(1);
			expect(result.error?.message).toMatch(
				/^Griptape Cloud answered POST .*\/threads \(thread: create\) with HTTP 20[01] but not with /,
			);
			expect(String((result.error as Error & { description?: string }).description)).toMatch(
				/may have been carried out/,
			);
		},
	);
});
