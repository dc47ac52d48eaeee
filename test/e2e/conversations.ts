/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * Conversations in a real n8n (issue 16): the chat examples' hosted chat page in Debian's
 * Chromium, their chat webhook over HTTP, and the MCP example called by the official MCP client
 * SDK. Runs inside the end-to-end suite (n8n.e2e.test.ts), on its n8n and sandbox.
 *
 * The hosted chat page loads n8n's chat widget from a CDN (cdn.jsdelivr.net, see the Chat
 * Trigger's templates). The network here is closed, so the browser's requests to the CDN are
 * answered from the `@n8n/chat` package installed as a dev dependency (node_modules/@n8n/chat/
 * dist), and normalize.css, a cosmetic reset, with an empty stylesheet.
 */

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import type { Sandbox } from '../../sandbox';

const { ensureChromium, CHROMIUM_ARGS } = require('../../scripts/lib/chromium');
const { ROOT } = require('../../scripts/lib/n8n-install');

export interface ConversationTestContext {
	baseUrl: string;
	sandbox: Sandbox;
	artifacts: string;
	workflows: Record<
		string,
		{ id: string; name: string; nodes: Array<{ type: string; webhookId?: string }> }
	>;
	/** The Data Table of the chat examples. */
	table: { id: string; projectId: string };
	api: {
		dataTableRows(table: {
			id: string;
			projectId: string;
		}): Promise<Array<Record<string, unknown>>>;
	};
	timed<T>(label: string, work: () => Promise<T>): Promise<T>;
	phases: string[];
}

const CHAT_DIST = path.join(ROOT, 'node_modules', '@n8n', 'chat', 'dist');

/** The chat webhook of an example (its Chat Trigger's webhook ID); the page is this plus /chat. */
function chatWebhook(ctx: ConversationTestContext, file: string): string {
	const trigger = ctx.workflows[file].nodes.find(
		(node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger',
	);
	return `${ctx.baseUrl}/webhook/${trigger?.webhookId}/chat`;
}

/** Sends one message as the chat page does, and returns the streamed reply's text. */
async function sendChatMessage(url: string, sessionId: string, chatInput: string): Promise<string> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ action: 'sendMessage', sessionId, chatInput }),
	});
	const text = await response.text();
	if (response.status !== 200)
		throw new Error(`The chat webhook answered ${response.status}: ${text.slice(0, 500)}`);
	const chunks = text
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as { type: string; content?: string });
	if (chunks.at(-1)?.type !== 'end')
		throw new Error(`The reply did not end well: ${text.slice(-500)}`);
	return chunks
		.filter((chunk) => chunk.type === 'item')
		.map((chunk) => chunk.content)
		.join('');
}

export function conversationTests(context: () => ConversationTestContext) {
	describe('conversations: the chat examples and the MCP example', () => {
		let ctx: ConversationTestContext;
		let browser: Browser;

		beforeAll(async () => {
			ctx = context();
			browser = await chromium.launch({
				executablePath: await ensureChromium(),
				args: CHROMIUM_ARGS,
				headless: true,
			});
		});
		afterAll(async () => await browser?.close());

		/** A browser profile of its own (a chat session of its own), with the widget served locally. */
		async function chatPage(): Promise<{ page: Page; session: BrowserContext }> {
			const session = await browser.newContext({ viewport: { width: 900, height: 900 } });
			await session.route(/^https:\/\/cdn\.jsdelivr\.net\//, async (route) => {
				const { pathname } = new URL(route.request().url());
				const file = /^\/npm\/@n8n\/chat(?:@[^/]+)?\/dist\/([\w.-]+)$/.exec(pathname)?.[1];
				if (file) {
					await route.fulfill({
						path: path.join(CHAT_DIST, file),
						contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript',
					});
				} else if (pathname.startsWith('/npm/normalize.css')) {
					await route.fulfill({ status: 200, contentType: 'text/css', body: '' });
				} else {
					await route.fulfill({ status: 404, body: '' });
				}
			});
			const page = await session.newPage();
			page.setDefaultTimeout(20_000);
			return { page, session };
		}

		const botTexts = async (page: Page) =>
			await page.locator('.chat-message-from-bot').allInnerTexts();

		/**
		 * Types a message into the chat page and follows the reply as it grows: the text seen
		 * first (and whether the sandbox was still sending then), and the text once complete.
		 */
		async function ask(page: Page, question: string, done: RegExp) {
			const before = (await botTexts(page)).length;
			const streamsBefore = ctx.sandbox.requests.filter((entry) =>
				entry.path.endsWith('/run/stream'),
			).length;
			const input = page.locator('.chat-inputs textarea');
			await input.fill(question);
			// The widget takes no message while it still waits for the previous reply to end (its
			// stream may close a moment after the last text arrived): Enter would be ignored.
			await page.locator('.chat-input-send-button:enabled').waitFor();
			await input.press('Enter');
			let first: { text: string; streamStillOpen: boolean } | undefined;
			const deadline = Date.now() + 30_000;
			for (;;) {
				const replies = (await botTexts(page)).slice(before).filter((text) => text.trim() !== '');
				const reply = replies.join('\n');
				if (!first && reply.trim()) {
					const stream = ctx.sandbox.requests.filter((entry) => entry.path.endsWith('/run/stream'))[
						streamsBefore
					];
					first = {
						text: reply,
						streamStillOpen: stream !== undefined && stream.durationMs === undefined,
					};
				}
				if (done.test(reply)) return { first: first!, final: reply };
				if (Date.now() > deadline)
					throw new Error(
						`No complete reply to "${question}" after 30 s; the page shows: ${JSON.stringify(replies)}`,
					);
				await page.waitForTimeout(25);
			}
		}

		const sessionOf = async (page: Page) =>
			(await page.evaluate(() =>
				(
					globalThis as unknown as { localStorage: { getItem(key: string): string | null } }
				).localStorage.getItem('n8n-chat/sessionId'),
			)) as string;
		const haufeUserMessages = (threadId: string) =>
			(ctx.sandbox.haufe.state.messages.get(threadId) ?? [])
				.filter((message) => message.role === 'user')
				.map((message) => message.content);
		const rowsOf = async (system: string, key: string) =>
			(await ctx.api.dataTableRows(ctx.table)).filter(
				(row) => row.system === system && row.conversation_key === key,
			);

		it('the chat page (Haufe Copilot): the reply streams in while generated, sources after it; one session, one thread; a second session, its own', async () => {
			await ctx.timed('test: chat page in the browser (Haufe Copilot)', async () => {
				const url = `${chatWebhook(ctx, 'chat-haufe-copilot.json')}`;
				const { page, session } = await chatPage();
				try {
					await page.goto(url);
					await page.locator('.chat-inputs textarea').waitFor();
					const one = await ask(page, 'Wie lang ist die Probezeit?', /Powered by Haufe/);
					await page.screenshot({ path: path.join(ctx.artifacts, 'chat-haufe-first-reply.png') });
					// Seen while the sandbox was still sending it: part of the text, not yet the sources.
					expect(one.first.streamStillOpen).toBe(true);
					expect(one.first.text.length).toBeLessThan(one.final.indexOf('Sources:'));
					expect(one.final.startsWith(one.first.text.trim())).toBe(true);
					// The page renders the reply as Markdown: the numbered sources become a list.
					expect(one.final).toMatch(
						/^Answer to: Wie lang ist die Probezeit\?[^]*\n\s*Sources:\s*\n\s*(1\.\s*)?Bürgerliches Gesetzbuch \(BGB\), § 622 Abs\. 3\n[^]*Powered by Haufe$/,
					);
					const two = await ask(
						page,
						'Und wie lang ist die Kündigungsfrist?',
						/Answer to: Und wie lang[^]*Powered by Haufe/,
					);
					expect(two.final).toMatch(/Answer to: Und wie lang ist die Kündigungsfrist\?/);

					const sessionId = await sessionOf(page);
					const rows = await rowsOf('haufe', sessionId);
					expect(rows).toHaveLength(1);
					const threadId = String(rows[0].thread_id);
					expect(haufeUserMessages(threadId)).toEqual([
						'Wie lang ist die Probezeit?',
						'Und wie lang ist die Kündigungsfrist?',
					]);

					const second = await chatPage();
					try {
						await second.page.goto(url);
						await second.page.locator('.chat-inputs textarea').waitFor();
						await ask(second.page, 'Wann beginnt der Mutterschutz?', /Powered by Haufe/);
						const otherSession = await sessionOf(second.page);
						expect(otherSession).not.toBe(sessionId);
						const otherRows = await rowsOf('haufe', otherSession);
						expect(otherRows).toHaveLength(1);
						expect(otherRows[0].thread_id).not.toBe(threadId);
						expect(haufeUserMessages(String(otherRows[0].thread_id))).toEqual([
							'Wann beginnt der Mutterschutz?',
						]);
					} finally {
						await second.session.close();
					}
					ctx.phases.push(
						`  first words on the chat page: ${one.first.text.length} of ${one.final.length} characters, while the sandbox was still sending`,
					);
				} catch (error) {
					await page
						.screenshot({ path: path.join(ctx.artifacts, 'failed-chat-haufe.png') })
						.catch(() => undefined);
					throw error;
				} finally {
					await session.close();
				}
			});
		}, 120_000);

		it('two messages of one new session at once (as two queue-mode workers): both answered in one thread', async () => {
			await ctx.timed(
				'test: concurrent first messages of one session (Haufe Copilot, Data Table)',
				async () => {
					const url = chatWebhook(ctx, 'chat-haufe-copilot.json');
					const sessionId = `race-${Date.now()}`;
					// Thread creation is held back, so that both executions look the session up before either records a thread.
					ctx.sandbox.faults.add({
						method: 'POST',
						path: /\/threads$/,
						kind: 'slow',
						delayMs: 400,
						times: 2,
					});
					const replies = await Promise.all([
						sendChatMessage(url, sessionId, 'Erste Frage'),
						sendChatMessage(url, sessionId, 'Zweite Frage'),
					]);
					expect(replies[0]).toMatch(/^Answer to: Erste Frage/);
					expect(replies[1]).toMatch(/^Answer to: Zweite Frage/);
					// Both executions created a thread (the race happened); both answered in the one recorded first,
					// and the other execution then deleted its own thread and forgot its row.
					const created = [...ctx.sandbox.haufe.state.threads.values()].filter(
						(thread) => thread.title === `Chat ${sessionId}`,
					);
					expect(created).toHaveLength(2);
					const rows = await rowsOf('haufe', sessionId);
					expect(rows).toHaveLength(1);
					const threadId = String(rows[0].thread_id);
					expect(haufeUserMessages(threadId).sort()).toEqual(['Erste Frage', 'Zweite Frage']);
					const duplicate = created.find((thread) => thread.id !== threadId) as {
						id: string;
						deleted_at?: string;
					};
					expect(duplicate.deleted_at).toBeTruthy();
					expect(haufeUserMessages(duplicate.id)).toEqual([]);
					// The next message finds the oldest row and stays in that thread.
					await sendChatMessage(url, sessionId, 'Dritte Frage');
					expect(haufeUserMessages(threadId)).toHaveLength(3);
				},
			);
		});

		it('the Griptape, Agent Chat and OpenAI-compatible chat examples: one thread per session, streamed', async () => {
			await ctx
				.timed('test: chat webhooks of the other three systems', async () => {
					// The suite paces Griptape's runs for its trigger test (long over by now); here they may be quick.
					ctx.sandbox.griptape.configure({ runStepMs: 20, tokenDelayMs: 20 });
					const griptape = chatWebhook(ctx, 'chat-griptape-cloud.json');
					expect(await sendChatMessage(griptape, 'g-1', 'Hallo Griptape')).toMatch(
						/^Griptape answer to: Hallo Griptape/,
					);
					await sendChatMessage(griptape, 'g-1', 'Noch etwas');
					// (A second session's own thread: shown on the chat page above, and for Griptape in the integration tests.)
					const byAlias = (alias: string) =>
						[...ctx.sandbox.griptape.state.threads.values()].filter(
							(thread) => thread.alias === alias,
						);
					expect(byAlias('g-1')).toHaveLength(1);
					expect(ctx.sandbox.griptape.state.messages.get(byAlias('g-1')[0].thread_id)).toHaveLength(
						2,
					);

					const agent = chatWebhook(ctx, 'chat-agent-chat.json');
					expect(await sendChatMessage(agent, 'a-1', 'Hallo Agent')).toMatch(
						/answers: Hallo Agent/,
					);
					await sendChatMessage(agent, 'a-1', 'Und weiter');
					await sendChatMessage(agent, 'a-2', 'Andere Sitzung');
					const agentThreads = [...ctx.sandbox.agentChat.threadsOf().values()].map((memory) =>
						memory.conversation_history
							.filter((entry) => entry.role === 'user')
							.map((entry) => entry.content),
					);
					expect(agentThreads).toEqual(
						expect.arrayContaining([['Hallo Agent', 'Und weiter'], ['Andere Sitzung']]),
					);

					const openai = chatWebhook(ctx, 'chat-openai-threads.json');
					expect(await sendChatMessage(openai, 'o-1', 'Hallo Threads')).toMatch(
						/^OpenAI-style answer to: Hallo Threads/,
					);
					await sendChatMessage(openai, 'o-1', 'Und weiter');
					await sendChatMessage(openai, 'o-2', 'Andere Sitzung');
					const [row] = await rowsOf('openai', 'o-1');
					const messages = (ctx.sandbox.openai.state.messages.get(String(row.thread_id)) ??
						[]) as Array<{ role: string }>;
					expect(messages.map((message) => message.role)).toEqual([
						'user',
						'assistant',
						'user',
						'assistant',
					]);
					expect(ctx.sandbox.openai.state.threads.get(String(row.thread_id))?.metadata).toEqual({
						conversation_key: 'o-1',
					});
					const [other] = await rowsOf('openai', 'o-2');
					expect(other.thread_id).not.toBe(row.thread_id);
				})
				.finally(() => ctx.sandbox.griptape.configure({ runStepMs: 500, tokenDelayMs: 150 }));
		});

		it('the MCP example, called by the official MCP client SDK: lists the four tools and answers through Haufe Copilot', async () => {
			await ctx.timed('test: MCP server trigger with the MCP client SDK', async () => {
				const client = new Client({ name: 'e2e-client', version: '1.0.0' });
				await client.connect(
					new StreamableHTTPClientTransport(new URL(`${ctx.baseUrl}/mcp/assistant-threads`)),
				);
				try {
					const { tools } = await client.listTools();
					expect(tools.map((tool) => tool.name).sort()).toEqual([
						'ask_agent',
						'ask_griptape_assistant',
						'ask_haufe_copilot',
						'ask_openai_assistant',
					]);
					const haufe = tools.find((tool) => tool.name === 'ask_haufe_copilot')!;
					expect(haufe.description).toMatch(/German labour law/);
					expect(Object.keys(haufe.inputSchema.properties ?? {})).toEqual(['question']);
					const runsBefore = ctx.sandbox.haufe.stats.runs.length;
					const result = (await client.callTool({
						name: 'ask_haufe_copilot',
						arguments: { question: 'Wie viele Urlaubstage gibt es?' },
					})) as {
						content: Array<{ type: string; text: string }>;
						isError?: boolean;
					};
					expect(result.isError).toBeFalsy();
					const [answer] = JSON.parse(result.content[0].text) as Array<{
						answer: string;
						thread_id: string;
						sources: unknown[];
					}>;
					const stored = (ctx.sandbox.haufe.state.messages.get(answer.thread_id) ?? []).find(
						(message) => message.role === 'assistant',
					);
					expect(answer.answer).toBe(stored?.content);
					expect(answer.answer).toMatch(/^Answer to: Wie viele Urlaubstage gibt es\?/);
					expect(answer.sources.length).toBeGreaterThan(0);
					expect(ctx.sandbox.haufe.stats.runs.length - runsBefore).toBe(1);
				} finally {
					await client.close();
				}
			});
		});
	});
}
