/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * What the fault suite's operations need, created straight in the sandbox (not through the
 * proxy, so set-up is never faulted), and the nodes' credentials pointed at a proxy.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox';
import { runNode } from '../helpers/n8n-harness';
import type { FaultProxy } from './proxy';

export const HAUFE_KEY = 'sandbox-haufe-key';
export const GRIPTAPE_KEY = 'sandbox-griptape-key';
export const OPENAI_KEY = 'sandbox-openai-key';
export const AGENT_EMAIL = 'user@example.com';
export const AGENT_PASSWORD = 'correct-horse-battery';

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export function locator(value: string) {
	return { __rl: true, mode: 'id', value };
}

async function call(
	url: string,
	method: string,
	headers: Record<string, string>,
	body?: unknown,
): Promise<IDataObject> {
	const response = await fetch(url, {
		method,
		headers: { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`Fixture ${method} ${url} failed: ${response.status} ${text}`);
	return text ? (JSON.parse(text) as IDataObject) : {};
}

export function haufe(sandbox: Sandbox) {
	const base = sandbox.haufe.baseUrl;
	const send = async (method: string, path: string, body?: unknown) =>
		await call(`${base}${path}`, method, { 'api-key': HAUFE_KEY }, body);
	return {
		hr: sandbox.haufe.assistantIds.hr,
		async thread(questions: string[] = []): Promise<string> {
			const thread = await send('POST', '/threads', {
				assistant_id: sandbox.haufe.assistantIds.hr,
				title: 'fault suite',
			});
			for (const content of questions)
				await send('POST', `/threads/${String(thread.id)}/messages`, { role: 'user', content });
			return String(thread.id);
		},
		async message(threadId: string, content: string): Promise<string> {
			return String(
				(await send('POST', `/threads/${threadId}/messages`, { role: 'user', content })).id,
			);
		},
		/** An uploaded, processed file. */
		async file(): Promise<string> {
			const signed = await send('GET', '/files/signed-url?filename=notes.txt&persist=true');
			await fetch(String(signed.file_url), { method: 'PUT', body: 'Urlaub: 30 Tage' });
			for (;;) {
				const status = await send('GET', `/files/${String(signed.file_id)}/status`);
				if (status.processing_status === 'PROCESSED') return String(signed.file_id);
				await sleep(20);
			}
		},
	};
}

export function haufeCredentials(sandbox: Sandbox, proxy: FaultProxy): IDataObject {
	return {
		apiKey: HAUFE_KEY,
		baseUrl: proxy.through(sandbox.haufe.baseUrl),
		licenceId: 'LIC-4711',
	};
}

export function griptape(sandbox: Sandbox) {
	const base = sandbox.griptape.baseUrl;
	const send = async (method: string, path: string, body?: unknown) =>
		await call(`${base}${path}`, method, { Authorization: `Bearer ${GRIPTAPE_KEY}` }, body);
	const g = sandbox.griptape;
	return {
		assistantId: g.ids.assistants[0],
		/** A run that is still going (`[hang]`) or one that has finished. */
		async run(input: string, finished = false, assistantId = g.ids.assistants[0]): Promise<string> {
			const run = g.createRun(assistantId, { input }) as unknown as IDataObject;
			const runId = String(run.assistant_run_id);
			while (
				finished &&
				!['SUCCEEDED', 'FAILED', 'ERROR', 'CANCELLED'].includes(
					String(g.state.runs.get(runId)?.status),
				)
			)
				await sleep(10);
			return runId;
		},
		eventOf(runId: string): string {
			return String(g.state.events.find((event) => event.assistant_run_id === runId)?.event_id);
		},
		async thread(): Promise<string> {
			const thread = await send('POST', '/threads', { name: 'fault suite' });
			await send('POST', `/threads/${String(thread.thread_id)}/messages`, {
				input: JSON.stringify({ type: 'TextArtifact', value: 'Frage', meta: {} }),
				output: JSON.stringify({ type: 'TextArtifact', value: 'Antwort', meta: {} }),
			});
			return String(thread.thread_id);
		},
		async apiKey(): Promise<string> {
			return String(
				(
					await send('POST', `/organizations/${g.ids.organizationId}/api-keys`, {
						name: 'fault suite',
					})
				).api_key_id,
			);
		},
	};
}

export function griptapeCredentials(sandbox: Sandbox, proxy: FaultProxy): IDataObject {
	return { apiKey: GRIPTAPE_KEY, baseUrl: proxy.through(sandbox.griptape.baseUrl) };
}

export function openai(sandbox: Sandbox) {
	const base = sandbox.openai.baseUrl;
	const send = async (method: string, path: string, body?: unknown) =>
		await call(
			`${base}${path}`,
			method,
			{ Authorization: `Bearer ${OPENAI_KEY}`, 'OpenAI-Beta': 'assistants=v2' },
			body,
		);
	const o = sandbox.openai;
	const settled = async (threadId: string, runId: string, until: string[]) => {
		for (;;) {
			const run = await send('GET', `/threads/${threadId}/runs/${runId}`);
			if (until.includes(String(run.status))) return run;
			await sleep(10);
		}
	};
	return {
		assistantId: o.ids.assistant,
		async thread(content = 'Wie spät ist es?'): Promise<string> {
			return String((await send('POST', '/threads', { messages: [{ role: 'user', content }] })).id);
		},
		async messageOf(threadId: string): Promise<string> {
			const list = await send('GET', `/threads/${threadId}/messages`);
			return String(((list.data as IDataObject[])[0] ?? {}).id);
		},
		/** A run: `[hang]` ones stay in progress; others are waited for. */
		async run(threadId: string, assistantId = o.ids.assistant): Promise<string> {
			const run = await send('POST', `/threads/${threadId}/runs`, { assistant_id: assistantId });
			return String(run.id);
		},
		async finishedRun(content = 'Fertig?'): Promise<{ threadId: string; runId: string }> {
			const threadId = await this.thread(content);
			const runId = await this.run(threadId);
			await settled(threadId, runId, ['completed']);
			return { threadId, runId };
		},
		/** A run of the tool assistant waiting for its tool output, with the call's ID. */
		async toolRun(): Promise<{ threadId: string; runId: string; callId: string }> {
			const threadId = await this.thread('Wie ist das weather in Berlin?');
			const runId = await this.run(threadId, o.ids.toolAssistant);
			const run = await settled(threadId, runId, ['requires_action']);
			const call = (
				((run.required_action as IDataObject).submit_tool_outputs as IDataObject)
					.tool_calls as IDataObject[]
			)[0];
			return { threadId, runId, callId: String(call.id) };
		},
	};
}

export function openaiCredentials(sandbox: Sandbox, proxy: FaultProxy): IDataObject {
	return {
		baseUrl: proxy.through(sandbox.openai.baseUrl),
		apiKey: OPENAI_KEY,
		organization: '',
		project: '',
	};
}

/** A session of the agent chat app, logged in once per suite (logins are not what is tested). */
export async function agentSession(sandbox: Sandbox): Promise<string> {
	const result = await runNode({
		type: 'agentChat',
		parameters: { resource: 'model', operation: 'getAll' },
		credentials: {
			agentChatApi: {
				siteUrl: sandbox.agentChat.siteUrl,
				authMethod: 'password',
				email: AGENT_EMAIL,
				password: AGENT_PASSWORD,
				sessionToken: '',
			},
		},
	});
	if (result.error) throw result.error;
	return String(result.credentialsHelper.updates.at(-1)?.data.sessionToken);
}

export function agentChat(sandbox: Sandbox, session: () => string) {
	return {
		/** A thread the app has stored (it stores one with its first message). */
		async thread(message = 'Hallo'): Promise<string> {
			const result = await runNode({
				type: 'agentChat',
				parameters: { resource: 'run', operation: 'send', message },
				credentials: {
					agentChatApi: {
						siteUrl: sandbox.agentChat.siteUrl,
						authMethod: 'password',
						email: AGENT_EMAIL,
						password: AGENT_PASSWORD,
						sessionToken: session(),
					},
				},
			});
			if (result.error) throw result.error;
			return String(result.items[0].json.thread_id);
		},
	};
}

export function agentCredentials(
	sandbox: Sandbox,
	proxy: FaultProxy,
	session: string,
): IDataObject {
	return {
		siteUrl: proxy.through(sandbox.agentChat.siteUrl),
		authMethod: 'password',
		email: AGENT_EMAIL,
		password: AGENT_PASSWORD,
		sessionToken: session,
	};
}

/** One input item with a small text file as binary data. */
export function fileItem(name = 'notes.txt', text = 'Urlaub: 30 Tage'): INodeExecutionData[] {
	return [
		{
			json: {},
			binary: {
				data: {
					data: Buffer.from(text).toString('base64'),
					mimeType: 'text/plain',
					fileName: name,
				},
			},
		},
	];
}
