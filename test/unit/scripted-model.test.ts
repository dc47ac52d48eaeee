/**
 * The scripted chat model of the end-to-end agent tests (test/helpers/scripted-model.ts), read by
 * the official `openai` package: its plain answers and its streamed chunks are what the package
 * (and LangChain's ChatOpenAI on top of it, in n8n's OpenAI Chat Model) expects from OpenAI.
 */
import OpenAI from 'openai';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';

import type { ScriptedModel } from '../helpers/scripted-model';
import {
	argumentsFor,
	SCRIPTED_MODEL,
	SCRIPTED_MODEL_KEY,
	startScriptedModel,
} from '../helpers/scripted-model';

const tool: ChatCompletionTool = {
	type: 'function',
	function: {
		name: 'Haufe_Copilot_Tool',
		description: 'Ask a question in Haufe Copilot',
		parameters: {
			type: 'object',
			properties: {
				question: { type: 'string', description: 'The question' },
				conversation: { type: 'string', description: 'The thread to continue' },
			},
			required: ['question'],
			additionalProperties: false,
		},
	},
};

let model: ScriptedModel;
let client: OpenAI;

beforeAll(async () => {
	model = await startScriptedModel();
	client = new OpenAI({ apiKey: SCRIPTED_MODEL_KEY, baseURL: model.baseUrl, maxRetries: 0 });
});
afterAll(async () => await model.close());

describe('the question goes into the tool schema’s question property, nothing else', () => {
	it('a required string property named like a question, or the only string property', () => {
		expect(argumentsFor(tool.function.parameters, 'Q?')).toEqual({ question: 'Q?' });
		expect(
			argumentsFor({ type: 'object', properties: { Input: { type: 'string' } } }, 'Q?'),
		).toEqual({ Input: 'Q?' });
		expect(
			argumentsFor(
				{
					type: 'object',
					properties: { message: { type: 'string' }, conversation_key: { type: 'string' } },
					required: ['message'],
				},
				'',
			),
		).toEqual({ message: '' });
	});

	it('no such property: no arguments (the schema offers nothing to ask with)', () => {
		expect(argumentsFor({ type: 'object', properties: {} }, 'Q?')).toEqual({});
		expect(argumentsFor(undefined, 'Q?')).toEqual({});
		// Optional, and not the only one: left out, as the model leaves a conversation out.
		expect(
			argumentsFor(
				{ type: 'object', properties: { query: { type: 'string' }, other: { type: 'string' } } },
				'Q?',
			),
		).toEqual({});
	});
});

describe('as OpenAI answers: read by the openai package', () => {
	const user = { role: 'user' as const, content: 'Wie lang ist die Probezeit?' };

	it('plain: a tool call first, then after the tool result an answer quoting it', async () => {
		const first = await client.chat.completions.create({
			model: SCRIPTED_MODEL,
			messages: [user],
			tools: [tool],
		});
		expect(first.object).toBe('chat.completion');
		expect(first.choices[0].finish_reason).toBe('tool_calls');
		const [call] = first.choices[0].message.tool_calls ?? [];
		expect(call).toMatchObject({ type: 'function', function: { name: 'Haufe_Copilot_Tool' } });
		expect(JSON.parse((call as { function: { arguments: string } }).function.arguments)).toEqual({
			question: 'Wie lang ist die Probezeit?',
		});

		const second = await client.chat.completions.create({
			model: SCRIPTED_MODEL,
			messages: [
				user,
				first.choices[0].message,
				{ role: 'tool', tool_call_id: call.id, content: '{"answer":"Sechs Monate."}' },
			],
			tools: [tool],
		});
		expect(second.choices[0]).toMatchObject({
			finish_reason: 'stop',
			message: {
				role: 'assistant',
				content: expect.stringContaining('{"answer":"Sechs Monate."}'),
			},
		});
		expect(model.requests.slice(-2).map((request) => request.stream)).toEqual([false, false]);
		expect(model.requests.at(-1)?.tools).toEqual([tool]);
	});

	it('streamed: tool_calls deltas that the package assembles, then the answer in pieces and the usage', async () => {
		const stream = client.chat.completions.stream({
			model: SCRIPTED_MODEL,
			messages: [user],
			tools: [tool],
			stream_options: { include_usage: true },
		});
		const deltas: string[] = [];
		stream.on('tool_calls.function.arguments.delta', (event) => deltas.push(event.arguments_delta));
		const first = await stream.finalChatCompletion();
		expect(deltas.length).toBeGreaterThan(1);
		expect(first.choices[0].finish_reason).toBe('tool_calls');
		const [call] = first.choices[0].message.tool_calls ?? [];
		expect(call).toMatchObject({
			id: expect.stringMatching(/^call_/),
			type: 'function',
			function: {
				name: 'Haufe_Copilot_Tool',
				arguments: JSON.stringify({ question: 'Wie lang ist die Probezeit?' }),
			},
		});
		expect(first.usage?.total_tokens).toBeGreaterThan(0);

		const answer = client.chat.completions.stream({
			model: SCRIPTED_MODEL,
			messages: [
				user,
				first.choices[0].message,
				{ role: 'tool', tool_call_id: call.id, content: 'Sechs Monate.' },
			],
			tools: [tool],
		});
		const pieces: string[] = [];
		answer.on('content.delta', (event) => pieces.push(event.delta));
		const final = await answer.finalChatCompletion();
		expect(pieces.length).toBeGreaterThan(1);
		expect(final.choices[0].message.content).toBe(pieces.join(''));
		expect(final.choices[0].message.content).toContain('Sechs Monate.');
		expect(model.requests.slice(-2).map((request) => request.stream)).toEqual([true, true]);
	});

	it('refuses a wrong key as OpenAI does', async () => {
		const wrong = new OpenAI({ apiKey: 'wrong', baseURL: model.baseUrl, maxRetries: 0 });
		await expect(
			wrong.chat.completions.create({ model: SCRIPTED_MODEL, messages: [user] }),
		).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
	});
});
