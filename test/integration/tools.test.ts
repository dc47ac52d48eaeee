/**
 * The nodes as tools (issue 21): the tool variant n8n derives ("…Tool"), run through n8n-core's
 * WorkflowExecute against the sandbox, with the parameters as the editor creates them (only the
 * assistant picked). The model's arguments are the input item's json, which `$fromAI()` reads.
 * A tool never writes to the response stream, while the same node on the main path does; an
 * empty question starts nothing; the model receives a compact item.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import { GRIPTAPE_KEY } from '../helpers/griptape';
import { API_KEY, LICENCE, locator } from '../helpers/haufe';
import type { NodeRunResult } from '../helpers/n8n-harness';
import { runNode } from '../helpers/n8n-harness';

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

const credentialsFor = (type: string): Record<string, IDataObject> =>
	({
		haufeCopilot: {
			haufeCopilotApi: { apiKey: API_KEY, baseUrl: sandbox.haufe.baseUrl, licenceId: LICENCE },
		},
		griptapeCloud: {
			griptapeCloudApi: { apiKey: GRIPTAPE_KEY, baseUrl: sandbox.griptape.baseUrl },
		},
		openAiThreads: {
			openAiThreadsApi: {
				apiKey: 'sandbox-openai-key',
				baseUrl: sandbox.openai.baseUrl,
				organization: '',
				project: '',
			},
		},
		agentChat: {
			agentChatApi: {
				siteUrl: sandbox.agentChat.siteUrl,
				authMethod: 'password',
				email: 'user@example.com',
				password: 'correct-horse-battery',
				sessionToken: '',
			},
		},
	})[type] as Record<string, IDataObject>;

/** Runs the node, or its tool variant, in a streaming execution; `args` is the tool call's arguments. */
async function run(
	type: string,
	parameters: IDataObject,
	args: IDataObject,
	asTool: boolean,
): Promise<NodeRunResult> {
	return await runNode({
		type: asTool ? `${type}Tool` : type,
		parameters,
		credentials: credentialsFor(type) as never,
		input: [args],
		streaming: true,
	});
}

const answerRequests = () =>
	sandbox.requests.filter(
		(request) =>
			request.method === 'POST' &&
			/\/run(\/stream)?$|\/runs$|\/threads\/runs$|\/chat\/completions/.test(request.path),
	);

describe('Haufe Copilot Tool › Ask', () => {
	const parameters = () => ({
		resource: 'question',
		operation: 'ask',
		assistantId: { ...locator(sandbox.haufe.assistantIds.hr), cachedResultName: 'HR' },
		options: { streamed: true },
	});

	it('answers the question from the model, compactly, and sends no chunk', async () => {
		const tool = await run(
			'haufeCopilot',
			parameters(),
			{ question: 'Wie lang ist die Probezeit?' },
			true,
		);
		expect(tool.error).toBeUndefined();
		expect(tool.chunks).toEqual([]);
		const [item] = tool.items.map((entry) => entry.json);
		expect(Object.keys(item).sort()).toEqual(
			['answer', 'assistant', 'attribution', 'sources', 'thread_id'].sort(),
		);
		expect(item.assistant).toBe('HR');
		expect(answerRequests()).toHaveLength(1);
	});

	it('the same node on the main path still streams', async () => {
		const node = await run(
			'haufeCopilot',
			{ ...parameters(), question: 'Wie lang ist die Probezeit?' },
			{},
			false,
		);
		expect(node.error).toBeUndefined();
		expect(node.chunks.length).toBeGreaterThan(2);
		expect(Object.keys(node.items[0].json)).toContain('meta_data');
	});

	it('an empty question is refused before any request', async () => {
		const tool = await run('haufeCopilot', parameters(), { question: '  ' }, true);
		expect(tool.error?.message).toBe('"Question" is empty: the tool was called without a question');
		expect(sandbox.requests).toHaveLength(0);
		const missing = await run('haufeCopilot', parameters(), {}, true);
		expect(missing.error?.message).toMatch(/^"Question" is empty/);
		expect(sandbox.requests).toHaveLength(0);
	});
});
