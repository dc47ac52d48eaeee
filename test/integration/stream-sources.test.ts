/**
 * "A streamed answer ends with its sources": what a streaming webhook receives after the text,
 * for each system, through n8n-core's WorkflowExecute against the sandbox. The text arrives
 * unaltered; then, as one more `item` chunk, the sources (and Haufe's attribution); then `end`.
 * The option turns it off; a stream that fails sends nothing after the text, and no `end`.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import { json, locator, seedThread } from '../helpers/haufe';
import type { NodeRunResult, StreamedChunk } from '../helpers/n8n-harness';
import { runNode } from '../helpers/n8n-harness';
import { sandboxCredentials } from '../helpers/sandbox-credentials';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({
		port: 0,
		haufe: { rateLimits: null, streamChunkDelayMs: 2 },
		griptape: { runStepMs: 5, tokenDelayMs: 2 },
		openai: { runStepMs: 10, tokenDelayMs: 2 },
		agentChat: { chunkDelayMs: 2 },
	});
});
afterEach(() => sandbox.reset());
afterAll(async () => await sandbox?.close());

async function streamed(type: string, parameters: IDataObject): Promise<NodeRunResult> {
	return await runNode({
		type,
		parameters,
		credentials: sandboxCredentials(sandbox, type),
		streaming: true,
	});
}

const items = (chunks: StreamedChunk[]) =>
	chunks.filter((chunk) => chunk.type === 'item').map((chunk) => String(chunk.content));
const types = (chunks: StreamedChunk[]) => chunks.map((chunk) => chunk.type);

describe('Haufe Copilot', () => {
	const HR_SOURCES = [
		'Sources:',
		'1. Bürgerliches Gesetzbuch (BGB), § 622 Abs. 3',
		'2. Haufe Personal Office: Probezeit, Zweck der Probezeit',
	].join('\n');
	const TRAILER = `\n\n${HR_SOURCES}\n\nPowered by Haufe`;

	const runStreamed = async (question: string, options: IDataObject = {}) =>
		await streamed('haufeCopilot', {
			resource: 'run',
			operation: 'stream',
			threadId: locator(await seedThread(sandbox, sandbox.haufe.assistantIds.hr, [question])),
			options,
		});

	it('Run Streamed: the text unaltered, then the sources and "Powered by Haufe", then end', async () => {
		const result = await runStreamed('Was gilt bei Krankheit?');
		const [answer] = json(result);
		const forwarded = items(result.chunks);
		expect(types(result.chunks)).toEqual(['begin', ...forwarded.map(() => 'item'), 'end']);
		// Every chunk but the last is the answer's text, exactly as generated and as output.
		expect(forwarded.slice(0, -1).join('')).toBe(answer.content);
		expect(forwarded.slice(0, -1)).toHaveLength(answer.chunks as number);
		expect(forwarded.at(-1)).toBe(TRAILER);
		// The output item is unchanged: the text alone, the sources as the API returned them.
		expect(answer.content).not.toContain('Sources:');
		expect(answer.sources).toEqual(
			sandbox.haufe.state.messages.get(answer.thread_id as string)?.at(-1)?.sources,
		);
	});

	it('Run Streamed with the option off: the text only', async () => {
		const result = await runStreamed('Was gilt bei Krankheit?', { streamSources: false });
		const [answer] = json(result);
		expect(items(result.chunks).join('')).toBe(answer.content);
		expect(types(result.chunks).at(-1)).toBe('end');
	});

	it('Ask (Stream Answer) and Chat Completion › Create Streamed end the same way', async () => {
		const ask = await streamed('haufeCopilot', {
			resource: 'question',
			operation: 'ask',
			assistantId: locator(sandbox.haufe.assistantIds.hr),
			question: 'Wie lang ist die Probezeit?',
			options: { streamed: true },
		});
		const [asked] = json(ask);
		expect(items(ask.chunks).slice(0, -1).join('')).toBe(asked.answer);
		expect(items(ask.chunks).at(-1)).toBe(TRAILER);
		expect(types(ask.chunks).at(-1)).toBe('end');

		const askOff = await streamed('haufeCopilot', {
			resource: 'question',
			operation: 'ask',
			assistantId: locator(sandbox.haufe.assistantIds.hr),
			question: 'Wie lang ist die Probezeit?',
			options: { streamed: true, streamSources: false },
		});
		expect(items(askOff.chunks).join('')).toBe(json(askOff)[0].answer);

		const chat = await streamed('haufeCopilot', {
			resource: 'chatCompletion',
			operation: 'stream',
			assistantId: locator(sandbox.haufe.assistantIds.hr),
			messages: { values: [{ role: 'user', content: 'Kündigungsfrist in der Probezeit?' }] },
		});
		const [completion] = json(chat);
		expect(items(chat.chunks).slice(0, -1).join('')).toBe(completion.content);
		expect(items(chat.chunks).at(-1)).toBe(TRAILER);
	});

	it('a stream cut after its last line (sources received, no proper end) sends no sources and no end', async () => {
		const question = 'Frage mit Quellen';
		const complete = json(await runStreamed(question))[0];
		// Every line is written (the words, then the line with the sources); then the socket is cut.
		sandbox.faults.add({
			method: 'POST',
			path: /\/run\/stream$/,
			kind: 'cutStream',
			afterChunks: (complete.chunks as number) + 1,
		});
		const cut = await runStreamed(question);
		expect(cut.error?.message).toMatch(
			/^The Haufe Copilot answer stream broke off after \d+ chunks/,
		);
		expect(items(cut.chunks).join('')).toBe(complete.content);
		expect(types(cut.chunks)).toEqual(['begin', ...items(cut.chunks).map(() => 'item'), 'error']);
	});
});

describe('OpenAI-compatible Threads', () => {
	const FILES = ['file-handbook', 'file-policy'];
	const citedRun = (extra: IDataObject = {}, content = 'Was steht im Handbuch?') => ({
		resource: 'run',
		operation: 'createThreadAndRun',
		assistantId: locator(sandbox.openai.ids.assistant),
		messages: {
			values: [{ role: 'user', content, fileIds: FILES.join(', '), tools: ['file_search'] }],
		},
		runOptions: { additionalBodyJson: '{"tools": [{"type": "file_search"}]}' },
		waitForCompletion: 'stream',
		...extra,
		waitOptions: {
			pollInterval: 0.05,
			waitTimeout: 10,
			...((extra.waitOptions as IDataObject) ?? {}),
		},
	});
	const TRAILER =
		'\n\nSources:\n1. file-handbook, cited as 【4:0†source】\n2. file-policy, cited as 【4:1†source】';

	it('the text unaltered (markers included), then the cited files, then end', async () => {
		const result = await streamed('openAiThreads', citedRun());
		const [run] = json(result);
		expect(run.status).toBe('completed');
		const stored = sandbox.openai.state.messages
			.get(run.thread_id as string)
			?.find((message) => message.role === 'assistant');
		const text = stored?.content[0].text;
		expect(text.annotations).toHaveLength(2);
		expect(text.value.endsWith('【4:0†source】【4:1†source】')).toBe(true);
		const forwarded = items(result.chunks);
		expect(forwarded.slice(0, -1).join('')).toBe(text.value);
		expect(run.answer).toBe(text.value);
		expect(forwarded.at(-1)).toBe(TRAILER);
		expect(types(result.chunks).at(-1)).toBe('end');
	});

	it('no annotations, or the option off: the text only', async () => {
		const plain = await streamed(
			'openAiThreads',
			citedRun({ messages: { values: [{ role: 'user', content: 'Ohne Dateien' }] } }),
		);
		expect(items(plain.chunks).join('')).toBe(json(plain)[0].answer);
		expect(types(plain.chunks).at(-1)).toBe('end');

		const off = await streamed(
			'openAiThreads',
			citedRun({ waitOptions: { streamSources: false } }),
		);
		const [run] = json(off);
		expect(items(off.chunks).join('')).toBe(run.answer);
		expect(String(run.answer)).toContain('【4:1†source】');
	});

	it('a stream cut before done, or a failed run, sends no sources and no end', async () => {
		const [complete] = json(await streamed('openAiThreads', citedRun()));
		const events = (
			sandbox.openai.state.runs.get(complete.id as string) as unknown as { _events: unknown[] }
		)._events.length;
		// The thread-and-run stream starts with thread.created; then every event of the run, but not `done`.
		sandbox.faults.add({
			method: 'POST',
			path: /\/threads\/runs$/,
			kind: 'cutStream',
			afterChunks: events + 1,
		});
		const cut = await streamed('openAiThreads', citedRun());
		expect(cut.error?.message).toMatch(/^The run stream ended before the run did/);
		expect(items(cut.chunks).join('')).toBe(complete.answer);
		expect(types(cut.chunks).at(-1)).toBe('error');
		sandbox.faults.clear();

		const failed = await streamed('openAiThreads', citedRun({}, '[fail] bitte'));
		expect(failed.error?.message).toMatch(/ended with status failed/);
		expect(types(failed.chunks)).toEqual(['begin', 'error']);
	});
});

describe('Griptape Cloud and Agent Chat return no sources', () => {
	const createRun = (input: string) => ({
		resource: 'assistantRun',
		operation: 'create',
		assistantId: locator(sandbox.griptape.ids.assistants[0]),
		input,
		waitForCompletion: 'stream',
	});

	it('Griptape: the tokens, then end; a failed run no end', async () => {
		const result = await streamed('griptapeCloud', createRun('Mit Quellen?'));
		const [run] = json(result);
		expect(items(result.chunks).join('')).toBe(run.answer);
		expect(types(result.chunks)).toEqual([
			'begin',
			...items(result.chunks).map(() => 'item'),
			'end',
		]);

		const failed = await streamed('griptapeCloud', createRun('[fail] bitte'));
		expect(failed.error?.message).toMatch(/ended with status FAILED/);
		expect(types(failed.chunks)).toEqual(['begin', 'error']);
	});

	it('Agent Chat: the reply, then end', async () => {
		const result = await streamed('agentChat', {
			resource: 'run',
			operation: 'send',
			message: 'Mit Quellen?',
		});
		const [reply] = json(result);
		expect(items(result.chunks).join('').trim()).toBe(reply.answer);
		expect(types(result.chunks).at(-1)).toBe('end');
	});
});
