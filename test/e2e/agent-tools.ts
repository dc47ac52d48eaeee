/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The package's tools under n8n's AI Agent (issue 21), in the real n8n of the end-to-end suite
 * (n8n.e2e.test.ts), on its sandbox: per system one workflow as a user builds it in the editor,
 * Chat Trigger → AI Agent (latest version) → OpenAI Chat Model, with the system's tool variant
 * attached. The tool node has only its credential and its assistant picked (the answering action
 * chosen in the panel); everything else keeps its default. The chat model's credential points at
 * a scripted OpenAI-compatible model (test/helpers/scripted-model.ts): it calls the one tool
 * offered with the user's message as the question, then answers quoting the tool's result.
 *
 * Each workflow exists twice: the chat in Streaming response mode (the agent streams, so the model
 * is asked with `stream: true` and answers in server-sent chunks) and in "When Last Node
 * Finishes" mode (plain JSON answers), covering both forms of OpenAI's answer.
 */
import type { Sandbox } from '../../sandbox';
import { PACKAGE } from '../helpers/listed-types';
import type { StreamedResponse } from '../helpers/n8n-runs';
import { readStreamedResponse } from '../helpers/n8n-runs';
import type { ModelRequest, ScriptedModel } from '../helpers/scripted-model';
import {
	finalAnswer,
	questionProperty,
	SCRIPTED_MODEL,
	SCRIPTED_MODEL_KEY,
	startScriptedModel,
} from '../helpers/scripted-model';

export interface AgentToolTestContext {
	baseUrl: string;
	sandbox: Sandbox;
	/** The credentials the suite created for the sandbox, by credential type. */
	credentials: Record<string, { id: string; name: string }>;
	api: {
		getJson(pathname: string): Promise<unknown>;
		upsertCredential(credential: { name: string; type: string; data: object }): Promise<string>;
		importAndPublish(workflow: object): Promise<{ id: string }>;
	};
	timed<T>(label: string, work: () => Promise<T>): Promise<T>;
	phases: string[];
	/** The end of n8n's log, for failures. */
	logTail(): string;
}

/** One question and the assistant's answer to it, as the sandbox stored them. */
interface Exchange {
	question: string;
	answer?: string;
}

interface System {
	/** For test names and workflow names. */
	label: string;
	/** The action node; its tool variant is `<node>Tool`. */
	node: string;
	credentialType: string;
	/** What the editor stores once the answering action and the assistant are picked. */
	parameters(sandbox: Sandbox): Record<string, unknown>;
	/** Requests that answer (one per answer). */
	answers(sandbox: Sandbox): number;
	/** Every question the API was asked, with its answer. */
	exchanges(sandbox: Sandbox): Exchange[];
	/** POSTs that only read or log in (everything else sent to the API starts something). */
	readOnly?: RegExp;
	/** The system's mount in the sandbox. */
	mount: string;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** User messages paired with the assistant message after each. */
function pairs(messages: Array<{ role: string; content: unknown }>, read = text): Exchange[] {
	const found: Exchange[] = [];
	messages.forEach((message, index) => {
		if (message.role !== 'user') return;
		const next = messages[index + 1];
		found.push({
			question: read(message.content),
			answer: next?.role === 'assistant' ? read(next.content) : undefined,
		});
	});
	return found;
}

/** OpenAI message content: text parts. */
const openAiText = (content: unknown) =>
	Array.isArray(content)
		? content.map((part: { text?: { value?: string } }) => part.text?.value ?? '').join('')
		: text(content);

const picked = (value: string, name: string | undefined) => ({
	__rl: true,
	mode: 'list',
	value,
	...(name ? { cachedResultName: name } : {}),
});

const SYSTEMS: Record<string, System> = {
	haufe: {
		label: 'Haufe Copilot',
		node: 'haufeCopilot',
		credentialType: 'haufeCopilotApi',
		mount: '/haufe/',
		parameters: (sandbox) => ({
			resource: 'question',
			operation: 'ask',
			assistantId: picked(
				sandbox.haufe.assistantIds.hr,
				sandbox.haufe.state.assistants.find(
					(assistant) => assistant.id === sandbox.haufe.assistantIds.hr,
				)?.name,
			),
		}),
		answers: (sandbox) => sandbox.haufe.stats.answerRequests,
		exchanges: (sandbox) =>
			[...sandbox.haufe.state.messages.values()].flatMap((messages) =>
				pairs(messages as Array<{ role: string; content: unknown }>),
			),
	},
	griptape: {
		label: 'Griptape Cloud',
		node: 'griptapeCloud',
		credentialType: 'griptapeCloudApi',
		mount: '/griptape/',
		parameters: (sandbox) => ({
			resource: 'assistantRun',
			operation: 'create',
			assistantId: picked(
				sandbox.griptape.ids.assistants[0],
				sandbox.griptape.state.assistants.get(sandbox.griptape.ids.assistants[0])?.name,
			),
		}),
		answers: (sandbox) => sandbox.griptape.stats.runsCreated,
		exchanges: (sandbox) =>
			[...sandbox.griptape.state.runs.values()].map((run) => ({
				question: run.input,
				answer: run.output?.value,
			})),
	},
	agentChat: {
		label: 'Agent Chat',
		node: 'agentChat',
		credentialType: 'agentChatApi',
		mount: '/agentchat/',
		readOnly: /\/auth\/login\/$|\/api\/threads\/list$/,
		parameters: (sandbox) => ({
			resource: 'run',
			operation: 'send',
			modelId: picked(
				sandbox.agentChat.ids.models[0],
				sandbox.agentChat.state.agents.get(sandbox.agentChat.ids.models[0])?.name,
			),
		}),
		answers: (sandbox) => sandbox.agentChat.stats.runs,
		exchanges: (sandbox) =>
			[...sandbox.agentChat.threadsOf().values()].flatMap((memory) =>
				pairs(memory.conversation_history),
			),
	},
	openai: {
		label: 'OpenAI-compatible Threads',
		node: 'openAiThreads',
		credentialType: 'openAiThreadsApi',
		mount: '/openai/',
		parameters: (sandbox) => ({
			resource: 'run',
			operation: 'createThreadAndRun',
			assistantId: picked(
				sandbox.openai.ids.assistant,
				sandbox.openai.state.assistants.get(sandbox.openai.ids.assistant)?.name,
			),
		}),
		answers: (sandbox) => sandbox.openai.stats.runsCreated,
		exchanges: (sandbox) =>
			[...sandbox.openai.state.messages.values()].flatMap((messages) =>
				pairs(messages, openAiText),
			),
	},
};

type ResponseMode = 'streaming' | 'lastNode';

interface AgentWorkflow {
	name: string;
	/** The chat webhook: POST a message here. */
	chatUrl: string;
	/** The tool node's name (n8n's default for the tool variant). */
	toolNode: string;
	toolNodeId: string;
}

const uuid = () => crypto.randomUUID();

/**
 * Chat Trigger → AI Agent → OpenAI Chat Model, and the system's tool, as the editor saves a
 * workflow built from the panel: only what was picked is in a node's parameters.
 */
export function agentWorkflow(options: {
	system: System;
	sandbox: Sandbox;
	responseMode: ResponseMode;
	toolName: string;
	credential: { id: string; name: string };
	modelCredential: { id: string; name: string };
}) {
	const { system, responseMode, toolName } = options;
	const webhookId = uuid();
	const toolNodeId = uuid();
	const workflow = {
		name: `AI Agent with the ${system.label} tool (${responseMode === 'streaming' ? 'streamed chat' : 'chat answered when done'})`,
		nodes: [
			{
				id: uuid(),
				name: 'When chat message received',
				type: '@n8n/n8n-nodes-langchain.chatTrigger',
				typeVersion: 1.5,
				position: [0, 0],
				webhookId,
				parameters: { public: true, mode: 'hostedChat', options: { responseMode } },
			},
			{
				id: uuid(),
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				position: [220, 0],
				parameters: { options: {} },
			},
			{
				id: uuid(),
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.3,
				position: [100, 220],
				// An OpenAI-compatible server speaks Chat Completions: the Responses API is switched off,
				// as for any compatible Base URL.
				parameters: {
					model: { __rl: true, mode: 'id', value: SCRIPTED_MODEL },
					responsesApiEnabled: false,
					options: {},
				},
				credentials: { openAiApi: options.modelCredential },
			},
			{
				id: toolNodeId,
				name: toolName,
				type: `${PACKAGE}.${system.node}Tool`,
				typeVersion: 1,
				position: [340, 220],
				parameters: system.parameters(options.sandbox),
				credentials: { [system.credentialType]: options.credential },
			},
		],
		connections: {
			'When chat message received': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			[toolName]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
	return { workflow, webhookId, toolNodeId };
}

/** What one chat message did: the model's requests, the API's requests, the reply. */
interface Turn {
	requests: ModelRequest[];
	answerRequests: number;
	/** Requests that start something (thread, message, run, answer) at the system's API. */
	startingRequests: Array<{ method: string; path: string }>;
	streamed?: StreamedResponse;
	/** The agent's reply as the chat received it. */
	reply: string;
	status: number;
}

export function agentToolTests(context: () => AgentToolTestContext) {
	describe("the tools under n8n's AI Agent, driven by a scripted OpenAI-compatible model", () => {
		let ctx: AgentToolTestContext;
		let model: ScriptedModel;
		const workflows: Record<string, Record<ResponseMode, AgentWorkflow>> = {};

		let griptapePace: { runStepMs: number; tokenDelayMs: number };

		beforeAll(async () => {
			ctx = context();
			// The suite paces Griptape's runs for its trigger test; the tools' runs may be quick.
			const { runStepMs, tokenDelayMs } = ctx.sandbox.griptape.options;
			griptapePace = { runStepMs, tokenDelayMs };
			ctx.sandbox.griptape.configure({ runStepMs: 20, tokenDelayMs: 20 });
			await ctx.timed('agent tools: scripted model, credential and 8 workflows', async () => {
				model = await startScriptedModel();
				const modelCredential = {
					name: 'Scripted chat model (OpenAI-compatible)',
					id: await ctx.api.upsertCredential({
						name: 'Scripted chat model (OpenAI-compatible)',
						type: 'openAiApi',
						data: { apiKey: SCRIPTED_MODEL_KEY, url: model.baseUrl },
					}),
				};
				const types = (await ctx.api.getJson('/types/nodes.json')) as Array<{
					name: string;
					displayName: string;
					defaults?: { name?: string };
				}>;
				for (const [key, system] of Object.entries(SYSTEMS)) {
					const toolType = types.find((type) => type.name === `${PACKAGE}.${system.node}Tool`);
					// The name the editor gives the node when it is added.
					const toolName = toolType?.defaults?.name ?? `${toolType?.displayName}`;
					workflows[key] = {} as Record<ResponseMode, AgentWorkflow>;
					for (const responseMode of ['streaming', 'lastNode'] as const) {
						const built = agentWorkflow({
							system,
							sandbox: ctx.sandbox,
							responseMode,
							toolName,
							credential: ctx.credentials[system.credentialType],
							modelCredential,
						});
						await ctx.api.importAndPublish(built.workflow);
						workflows[key][responseMode] = {
							name: built.workflow.name,
							chatUrl: `${ctx.baseUrl}/webhook/${built.webhookId}/chat`,
							toolNode: toolName,
							toolNodeId: built.toolNodeId,
						};
					}
				}
				// n8n registers a published chat webhook a moment later: its chat page answers then.
				for (const modes of Object.values(workflows))
					for (const workflow of Object.values(modes)) {
						for (let attempt = 0; attempt < 40; attempt++) {
							if ((await fetch(workflow.chatUrl)).status !== 404) break;
							await new Promise((resolve) => setTimeout(resolve, 250));
						}
					}
			});
		});
		afterAll(async () => {
			ctx.sandbox.griptape.configure(griptapePace);
			await model?.close();
		});

		/** Sends one chat message and notes what it caused. */
		async function chat(
			system: System,
			workflow: AgentWorkflow,
			message: string,
			streamed: boolean,
		) {
			const requestsBefore = model.requests.length;
			const logBefore = ctx.sandbox.requests.length;
			const answersBefore = system.answers(ctx.sandbox);
			const response = await fetch(workflow.chatUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ action: 'sendMessage', sessionId: uuid(), chatInput: message }),
			});
			let reply: string;
			let result: StreamedResponse | undefined;
			if (streamed && response.status === 200) {
				result = await readStreamedResponse(response);
				reply = result.items.join('');
			} else {
				// The agent's output item ({output}), or whatever n8n answered instead.
				reply = await response.text();
				try {
					reply = text((JSON.parse(reply) as { output?: unknown }).output) || reply;
				} catch {
					// Not JSON: kept as it came, for the failure message.
				}
			}
			const turn: Turn = {
				requests: model.requests.slice(requestsBefore),
				answerRequests: system.answers(ctx.sandbox) - answersBefore,
				startingRequests: ctx.sandbox.requests
					.slice(logBefore)
					.filter(
						(entry) =>
							entry.path.startsWith(system.mount) &&
							entry.method !== 'GET' &&
							!system.readOnly?.test(entry.path),
					)
					.map(({ method, path }) => ({ method, path })),
				streamed: result,
				reply,
				status: response.status,
			};
			return turn;
		}

		/** The tool offered in the model's first request, and the question property of its schema. */
		function offeredTool(turn: Turn) {
			expect(turn.requests.length).toBeGreaterThanOrEqual(1);
			const tools = turn.requests[0].tools;
			expect(tools).toHaveLength(1);
			const tool = tools[0] as { function: { name: string; parameters?: unknown } };
			const property = questionProperty(tool.function.parameters);
			const schema = tool.function.parameters as {
				properties?: Record<string, { description?: string }>;
				required?: string[];
			};
			return { tool, property, schema };
		}

		/** The tool results the model received in its second request. */
		const toolResults = (turn: Turn) =>
			(turn.requests[1]?.body.messages ?? [])
				.filter((message) => message.role === 'tool')
				.map((message) => text(message.content));

		/** The streamed lines, with their metadata (which node sent them). */
		const streamedNodes = (turn: Turn) =>
			(turn.streamed?.chunks ?? []).map((chunk) => chunk.metadata?.nodeName ?? '');

		/** On failure: what the model was sent, what the chat got, and the end of n8n's log. */
		const fail = (turn: Turn, error: unknown) => {
			const requests = turn.requests.map((request) => ({
				tools: request.tools,
				messages: request.body.messages,
				reply: request.reply,
			}));
			const others = (turn.streamed?.chunks ?? []).filter(
				(chunk) => chunk.metadata?.nodeName !== 'AI Agent',
			);
			(error as Error).message += [
				`\nThe model's requests: ${JSON.stringify(requests, null, 1).slice(0, 6000)}`,
				`The chat's reply (${turn.status}): ${turn.reply.slice(0, 2000)}`,
				`Lines streamed by other nodes than the agent: ${JSON.stringify(others).slice(0, 3000)}`,
				ctx.logTail(),
			].join('\n');
			throw error;
		};

		for (const [key, system] of Object.entries(SYSTEMS)) {
			it(`${system.label} Tool, added with only its assistant picked: the model is offered a described question, calls the tool once with it, one answer at the API; the chat streams the agent's reply and nothing of the tool node`, async () => {
				await ctx.timed(
					`test: AI Agent with the ${system.label} tool (streamed chat)`,
					async () => {
						const workflow = workflows[key].streaming;
						const question = `Was sagt ${system.label} zur Probezeit? (${uuid().slice(0, 8)})`;
						const turn = await chat(system, workflow, question, true);
						try {
							expect(turn.status).toBe(200);
							// The schema the model got: a question property, described.
							const { tool, property, schema } = offeredTool(turn);
							expect(property).toBeDefined();
							expect(schema.properties?.[property as string]?.description?.trim()).toBeTruthy();
							// Nothing else is required from the model (a conversation to continue is optional).
							expect((schema.required ?? []).filter((name) => name !== property)).toEqual([]);
							// The agent streams: the model is asked for server-sent chunks.
							expect(turn.requests[0].stream).toBe(true);
							// The tool was called with the question, once; then the model answered.
							expect(turn.requests[0].reply).toEqual({
								kind: 'toolCall',
								id: expect.any(String),
								name: tool.function.name,
								arguments: { [property as string]: question },
							});
							expect(turn.requests).toHaveLength(2);
							// The question reached the API, and it answered exactly once.
							const asked = system
								.exchanges(ctx.sandbox)
								.filter((entry) => entry.question === question);
							expect(asked).toHaveLength(1);
							expect(turn.answerRequests).toBe(1);
							const answer = asked[0].answer as string;
							expect(answer).toBeTruthy();
							// The model got the tool's result, with the assistant's answer in it.
							const [result] = toolResults(turn);
							expect(containsAnswer(result, answer)).toBe(true);
							// No chunk comes from the tool node: everything streamed is the agent's.
							const nodes = streamedNodes(turn);
							expect(nodes).not.toContain(workflow.toolNode);
							expect(
								(turn.streamed?.chunks ?? []).filter(
									(chunk) => chunk.metadata?.nodeId === workflow.toolNodeId,
								),
							).toEqual([]);
							expect(new Set(nodes.filter(Boolean))).toEqual(new Set(['AI Agent']));
							// The chat holds the agent's reply, which quotes the assistant's answer, once.
							expect(turn.reply).toBe(finalAnswer(toolResults(turn)));
							expect(containsAnswer(turn.reply, answer)).toBe(true);
						} catch (error) {
							fail(turn, error);
						}
					},
				);
			});

			it(`${system.label} Tool: an empty question from the model starts nothing at the API, and the agent still answers with the tool's refusal`, async () => {
				await ctx.timed(
					`test: AI Agent with the ${system.label} tool, empty question`,
					async () => {
						const workflow = workflows[key].streaming;
						model.questionFor = () => '';
						let turn: Turn;
						try {
							turn = await chat(system, workflow, 'Frag das Werkzeug ohne Frage.', true);
						} finally {
							model.questionFor = (message) => message;
						}
						try {
							expect(turn.status).toBe(200);
							const { property } = offeredTool(turn);
							expect(property).toBeDefined();
							expect(turn.requests[0].reply).toMatchObject({
								kind: 'toolCall',
								arguments: { [property as string]: '' },
							});
							// Nothing started: no thread, message, run or answer request.
							expect(turn.startingRequests).toEqual([]);
							expect(turn.answerRequests).toBe(0);
							// The model got the tool's refusal, and the agent answered with it.
							expect(turn.requests).toHaveLength(2);
							const [refusal] = toolResults(turn);
							expect(refusal).toMatch(/empty|missing|required|no question/i);
							expect(turn.reply).toBe(finalAnswer(toolResults(turn)));
							expect(streamedNodes(turn)).not.toContain(workflow.toolNode);
						} catch (error) {
							fail(turn, error);
						}
					},
				);
			});
		}

		it('plain model answers (the chat answered when the agent is done): each tool is called with the question, one answer each', async () => {
			await ctx.timed('test: AI Agent with each tool (plain model answers)', async () => {
				for (const [key, system] of Object.entries(SYSTEMS)) {
					const question = `Wie viele Urlaubstage gibt es bei ${system.label}? (${uuid().slice(0, 8)})`;
					const turn = await chat(system, workflows[key].lastNode, question, false);
					try {
						expect(turn.status).toBe(200);
						const { property } = offeredTool(turn);
						expect(property).toBeDefined();
						// Not streamed: the model is asked for one JSON answer each time.
						expect(turn.requests.map((request) => request.stream)).toEqual([false, false]);
						expect(turn.requests[0].reply).toMatchObject({
							kind: 'toolCall',
							arguments: { [property as string]: question },
						});
						const asked = system
							.exchanges(ctx.sandbox)
							.filter((entry) => entry.question === question);
						expect(asked).toHaveLength(1);
						expect(turn.answerRequests).toBe(1);
						expect(turn.reply).toBe(finalAnswer(toolResults(turn)));
						expect(containsAnswer(turn.reply, asked[0].answer as string)).toBe(true);
					} catch (error) {
						fail(turn, error);
					}
				}
			});
		});
	});
}

/**
 * Whether the text holds the assistant's answer: as it is, or as it reads inside JSON (n8n hands
 * the model a tool's output items as JSON, where quotes and line breaks are escaped).
 */
function containsAnswer(text: string | undefined, answer: string): boolean {
	return (
		answer !== '' &&
		(text ?? '').length > 0 &&
		((text as string).includes(answer) ||
			(text as string).includes(JSON.stringify(answer).slice(1, -1)))
	);
}
