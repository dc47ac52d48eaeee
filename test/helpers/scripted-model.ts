/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * A scripted OpenAI-compatible chat model: what n8n's OpenAI Chat Model node talks to when its
 * credential's Base URL points here, so that a real AI Agent calls this package's tools without a
 * real model. An HTTP server on 127.0.0.1 answering `POST /v1/chat/completions` as OpenAI does:
 * one JSON `chat.completion`, or with `stream: true` server-sent `chat.completion.chunk` events
 * (tool calls as `tool_calls` deltas: id, type and name first, then the arguments in pieces),
 * `data: [DONE]` last. The shapes are the `openai` package's `ChatCompletion` and
 * `ChatCompletionChunk`; test/unit/scripted-model.test.ts reads both with that package.
 *
 * The script, per request:
 * - the conversation ends with the user's message and a tool is offered: call the first tool
 *   offered, with arguments built from its JSON schema (`argumentsFor`): the question goes into
 *   its question property, nothing else is sent;
 * - the conversation ends with tool results: answer, quoting them (`finalAnswer`);
 * - no tool offered: answer without one.
 *
 * Every request is kept (`requests`), with the tools it offered and the messages it sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
	ChatCompletion,
	ChatCompletionChunk,
	ChatCompletionCreateParams,
	ChatCompletionMessageParam,
	ChatCompletionTool,
} from 'openai/resources/chat/completions';

export const SCRIPTED_MODEL = 'scripted-model';
export const SCRIPTED_MODEL_KEY = 'scripted-model-key';

/** The property names a question goes into: the first required (or only) string property that matches. */
export const QUESTION_PROPERTY = /question|input|message|prompt|query/i;

/** What the model said in answer to one request. */
export type ScriptedReply =
	| { kind: 'toolCall'; id: string; name: string; arguments: Record<string, unknown> }
	| { kind: 'answer'; content: string };

export interface ModelRequest {
	body: ChatCompletionCreateParams;
	stream: boolean;
	/** The function tools offered (`body.tools`), as sent. */
	tools: ChatCompletionTool[];
	authorization?: string;
	at: number;
	reply?: ScriptedReply;
}

interface JsonSchema {
	type?: string | string[];
	properties?: Record<string, JsonSchema>;
	required?: string[];
	description?: string;
}

export interface ScriptedModel {
	/** The Base URL for the `openAiApi` credential: http://127.0.0.1:PORT/v1 */
	baseUrl: string;
	requests: ModelRequest[];
	/** The question the model passes to a tool, from the user's message (the message itself unless set). */
	questionFor: (userMessage: string) => string;
	close(): Promise<void>;
}

const isString = (schema: JsonSchema) =>
	schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string'));

/** The tool's question property: a string property named like a question, required or the only one. */
export function questionProperty(parameters: unknown): string | undefined {
	const schema = (parameters ?? {}) as JsonSchema;
	const properties = Object.entries(schema.properties ?? {}).filter(([, property]) =>
		isString(property),
	);
	const required = new Set(schema.required ?? []);
	return properties.find(
		([name]) => QUESTION_PROPERTY.test(name) && (required.has(name) || properties.length === 1),
	)?.[0];
}

/** The arguments of a tool call: the question in the question property, nothing else. */
export function argumentsFor(parameters: unknown, question: string): Record<string, unknown> {
	const name = questionProperty(parameters);
	return name === undefined ? {} : { [name]: question };
}

const textOf = (message: ChatCompletionMessageParam) =>
	typeof message.content === 'string'
		? message.content
		: (message.content ?? [])
				.map((part) => ('text' in part ? part.text : ''))
				.filter(Boolean)
				.join('\n');

/** The answer after the tool results: the results quoted as they came. */
export function finalAnswer(toolResults: string[]): string {
	return `The assistant answered through the tool: ${toolResults.join('\n')}`;
}

/** The script: what to say to one request. */
export function scriptedReply(
	body: ChatCompletionCreateParams,
	questionFor: (userMessage: string) => string,
	callId: string,
): ScriptedReply {
	const messages = body.messages ?? [];
	const lastUser = messages.map((message) => message.role).lastIndexOf('user');
	const toolResults = messages
		.slice(lastUser + 1)
		.filter((message) => message.role === 'tool')
		.map(textOf);
	if (toolResults.length) return { kind: 'answer', content: finalAnswer(toolResults) };
	const [tool] = (body.tools ?? []).filter(
		(entry): entry is ChatCompletionTool & { type: 'function' } => entry.type === 'function',
	);
	if (!tool) return { kind: 'answer', content: 'No tool was offered to ask.' };
	const question = questionFor(lastUser >= 0 ? textOf(messages[lastUser]) : '');
	return {
		kind: 'toolCall',
		id: callId,
		name: tool.function.name,
		arguments: argumentsFor(tool.function.parameters, question),
	};
}

const usage = { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 };

/** The plain JSON answer (`stream` false or absent). */
export function completion(reply: ScriptedReply, id: string, created: number): ChatCompletion {
	const toolCall = reply.kind === 'toolCall';
	return {
		id,
		object: 'chat.completion',
		created,
		model: SCRIPTED_MODEL,
		choices: [
			{
				index: 0,
				message: toolCall
					? {
							role: 'assistant',
							content: null,
							refusal: null,
							annotations: [],
							tool_calls: [
								{
									id: reply.id,
									type: 'function',
									function: { name: reply.name, arguments: JSON.stringify(reply.arguments) },
								},
							],
						}
					: { role: 'assistant', content: reply.content, refusal: null, annotations: [] },
				logprobs: null,
				finish_reason: toolCall ? 'tool_calls' : 'stop',
			},
		],
		usage,
		service_tier: 'default',
		system_fingerprint: 'fp_scripted',
	};
}

/** Splits text into pieces of a few characters, as a model's tokens arrive. */
const pieces = (text: string, size: number) => text.match(new RegExp(`[^]{1,${size}}`, 'g')) ?? [];

/** The streamed answer (`stream: true`): the chunks in order, as OpenAI sends them. */
export function completionChunks(
	reply: ScriptedReply,
	id: string,
	created: number,
	includeUsage: boolean,
): ChatCompletionChunk[] {
	const chunk = (
		delta: ChatCompletionChunk.Choice.Delta,
		finish: ChatCompletionChunk.Choice['finish_reason'] = null,
	): ChatCompletionChunk => ({
		id,
		object: 'chat.completion.chunk',
		created,
		model: SCRIPTED_MODEL,
		service_tier: 'default',
		system_fingerprint: 'fp_scripted',
		choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
		...(includeUsage ? { usage: null } : {}),
	});
	const chunks: ChatCompletionChunk[] = [];
	if (reply.kind === 'toolCall') {
		chunks.push(
			chunk({
				role: 'assistant',
				content: null,
				tool_calls: [
					{
						index: 0,
						id: reply.id,
						type: 'function',
						function: { name: reply.name, arguments: '' },
					},
				],
				refusal: null,
			}),
		);
		for (const part of pieces(JSON.stringify(reply.arguments), 8))
			chunks.push(chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }));
		chunks.push(chunk({}, 'tool_calls'));
	} else {
		chunks.push(chunk({ role: 'assistant', content: '', refusal: null }));
		for (const word of reply.content.match(/\S+\s*|\s+/g) ?? [])
			chunks.push(chunk({ content: word }));
		chunks.push(chunk({}, 'stop'));
	}
	// With stream_options.include_usage: one more chunk, no choices, the usage.
	if (includeUsage) chunks.push({ ...chunk({}), choices: [], usage });
	return chunks;
}

const readJson = async (request: http.IncomingMessage) => {
	const parts: Buffer[] = [];
	for await (const part of request) parts.push(part as Buffer);
	return JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as unknown;
};

const sendJson = (response: http.ServerResponse, status: number, body: unknown) => {
	response.writeHead(status, { 'content-type': 'application/json' });
	response.end(JSON.stringify(body));
};

/** Starts the scripted model on a free port of 127.0.0.1. */
export async function startScriptedModel(
	options: { apiKey?: string } = {},
): Promise<ScriptedModel> {
	const apiKey = options.apiKey ?? SCRIPTED_MODEL_KEY;
	let count = 0;
	const model = {
		baseUrl: '',
		requests: [] as ModelRequest[],
		questionFor: (userMessage: string) => userMessage,
	};
	const server = http.createServer((request, response) => {
		void (async () => {
			const url = new URL(request.url ?? '/', 'http://127.0.0.1');
			if (request.headers.authorization !== `Bearer ${apiKey}`) {
				return sendJson(response, 401, {
					error: {
						message: 'Incorrect API key provided.',
						type: 'invalid_request_error',
						param: null,
						code: 'invalid_api_key',
					},
				});
			}
			if (request.method === 'GET' && url.pathname === '/v1/models') {
				return sendJson(response, 200, {
					object: 'list',
					data: [{ id: SCRIPTED_MODEL, object: 'model', created: 0, owned_by: 'e2e' }],
				});
			}
			if (request.method !== 'POST' || url.pathname !== '/v1/chat/completions') {
				return sendJson(response, 404, {
					error: {
						message: `Unknown request URL: ${request.method} ${url.pathname}.`,
						type: 'invalid_request_error',
						param: null,
						code: 'unknown_url',
					},
				});
			}
			const body = (await readJson(request)) as ChatCompletionCreateParams;
			const n = ++count;
			const entry: ModelRequest = {
				body,
				stream: body.stream === true,
				tools: (body.tools ?? []) as ChatCompletionTool[],
				authorization: request.headers.authorization,
				at: Date.now(),
			};
			model.requests.push(entry);
			entry.reply = scriptedReply(body, model.questionFor, `call_scripted${n}`);
			const id = `chatcmpl-scripted${n}`;
			const created = Math.floor(Date.now() / 1000);
			if (!entry.stream) return sendJson(response, 200, completion(entry.reply, id, created));
			response.writeHead(200, {
				'content-type': 'text/event-stream; charset=utf-8',
				'cache-control': 'no-cache',
				connection: 'keep-alive',
			});
			const includeUsage =
				(body as { stream_options?: { include_usage?: boolean } }).stream_options?.include_usage ===
				true;
			for (const chunk of completionChunks(entry.reply, id, created, includeUsage))
				response.write(`data: ${JSON.stringify(chunk)}\n\n`);
			response.end('data: [DONE]\n\n');
		})().catch((error: Error) => {
			if (!response.headersSent)
				sendJson(response, 500, { error: { message: error.message, type: 'server_error' } });
			else response.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	model.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
	return Object.assign(model, {
		close: async () =>
			await new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	});
}
