/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * How the package's nodes look in n8n's editor, checked with n8n's own code: canvas subtitles
 * evaluated the way the canvas does (the node type's `subtitle` through the workflow's
 * expression engine with `$parameter`), an action and a description for every operation, the
 * answer first in the output of Ask, Run, Chat Completion and Send Message (run through
 * WorkflowExecute), and example workflows whose assistants are picked from the lists, by name.
 */
import type {
	IDataObject,
	INode,
	INodeProperties,
	INodePropertyOptions,
	INodeTypes,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import { json, locator } from '../helpers/haufe';
import { PACKAGE, runListSearch, runNode } from '../helpers/n8n-harness';
import { packageNodeTypes } from '../helpers/package-types';
import { sandboxCredentials } from '../helpers/sandbox-credentials';

const { loadExample } = require('../../scripts/lib/n8n') as {
	loadExample: (file: string, replacements: Record<string, string>) => { nodes: INode[] };
};

const types = packageNodeTypes();
const nodeTypes: INodeTypes = {
	getByName: (type) => types[type],
	getByNameAndVersion: (type) => types[type],
	getKnownTypes: () => ({}),
};

/** The subtitle the canvas shows for a node of `type` with these parameters. */
function canvasSubtitle(type: string, parameters: IDataObject): unknown {
	const nodeType = types[`${PACKAGE}.${type}`];
	// The editor keeps a node's parameters with their defaults filled in.
	const withDefaults = NodeHelpers.getNodeParameters(
		nodeType.description.properties,
		parameters as never,
		true,
		false,
		null,
		nodeType.description,
	);
	const node: INode = {
		id: 'n',
		name: 'N',
		type: `${PACKAGE}.${type}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: withDefaults ?? {},
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	node.parameters = withDefaults ?? {};
	return workflow.expression.getSimpleParameterValue(
		node,
		nodeType.description.subtitle as string,
		'internal',
		{},
		undefined,
		'[filled at execution time]',
	);
}

/** Every resource/operation option of a node, with the option itself. */
function operationsOf(type: string): Array<{ resource: string; option: INodePropertyOptions }> {
	return types[`${PACKAGE}.${type}`].description.properties
		.filter((property: INodeProperties) => property.name === 'operation')
		.flatMap((property) =>
			((property.displayOptions?.show?.resource ?? []) as string[]).flatMap((resource) =>
				((property.options ?? []) as INodePropertyOptions[]).map((option) => ({
					resource,
					option,
				})),
			),
		);
}

const ACTION_NODES = ['haufeCopilot', 'griptapeCloud', 'openAiThreads', 'agentChat'];

describe('Canvas subtitles and operation descriptions', () => {
	it.each(ACTION_NODES)(
		'%s: every operation has an action and a description, and its subtitle is the action',
		(type) => {
			const operations = operationsOf(type);
			expect(operations.length).toBeGreaterThan(0);
			for (const { resource, option } of operations) {
				expect({
					resource,
					operation: option.value,
					action: option.action,
					description: option.description,
				}).toEqual({
					resource,
					operation: option.value,
					action: expect.stringMatching(/^[A-Z][a-z]/),
					description: expect.stringMatching(/\w{3}/),
				});
				expect(canvasSubtitle(type, { resource, operation: option.value })).toBe(option.action);
			}
		},
	);

	it('reads as words for a node just added with its default resource and operation', () => {
		expect(canvasSubtitle('haufeCopilot', {})).toBe('Ask a question');
		expect(canvasSubtitle('griptapeCloud', {})).toBe('Create an assistant run');
		expect(canvasSubtitle('openAiThreads', {})).toBe('Create a run');
		expect(canvasSubtitle('agentChat', {})).toBe('Send a message and get the answer');
		expect(
			canvasSubtitle('openAiThreads', { resource: 'run', operation: 'createThreadAndRun' }),
		).toBe('Create a thread and run it');
	});

	it("shows the trigger's event by its name", () => {
		expect(canvasSubtitle('griptapeCloudTrigger', { event: 'runEvent' })).toBe(
			'New Event of an Assistant Run',
		);
		expect(canvasSubtitle('griptapeCloudTrigger', {})).toBe('Run Finished for an Assistant');
	});
});

describe('With the sandbox', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({
			port: 0,
			haufe: { rateLimits: null, streamChunkDelayMs: 1 },
			griptape: { runStepMs: 5, tokenDelayMs: 1 },
			agentChat: { chunkDelayMs: 1 },
		});
	});
	afterAll(async () => await sandbox?.close());

	const run = async (type: string, parameters: IDataObject) =>
		json(await runNode({ type, parameters, credentials: sandboxCredentials(sandbox, type) }));

	it('puts the answer first: Haufe Ask, Run and Chat Completion, Agent Chat Send Message', async () => {
		const [asked] = await run('haufeCopilot', {
			resource: 'question',
			operation: 'ask',
			assistantId: locator(sandbox.haufe.assistantIds.hr),
			question: 'Was ist Mutterschutz?',
		});
		expect(Object.keys(asked).slice(0, 2)).toEqual(['answer', 'question']);
		for (const operation of ['run', 'stream']) {
			await run('haufeCopilot', {
				resource: 'message',
				operation: 'create',
				threadId: locator(asked.thread_id as string),
				role: 'user',
				content: 'Und weiter?',
			});
			const [answered] = await run('haufeCopilot', {
				resource: 'run',
				operation,
				threadId: locator(asked.thread_id as string),
			});
			expect(Object.keys(answered)[0]).toBe('content');
			expect(answered.content).toMatch(/^Answer to: /);
		}
		const [completed] = await run('haufeCopilot', {
			resource: 'chatCompletion',
			operation: 'create',
			assistantId: locator(sandbox.haufe.assistantIds.hr),
			messages: { values: [{ role: 'user', content: 'Und Elternzeit?' }] },
		});
		expect(Object.keys(completed)[0]).toBe('content');
		const [sent] = await run('agentChat', { resource: 'run', operation: 'send', message: 'Hallo' });
		expect(Object.keys(sent)[0]).toBe('answer');
		expect(sent.answer).toMatch(/answers: Hallo\./);
	});

	it('example workflows pick assistants from the list and show the names the list shows', async () => {
		const replacements: Record<string, string> = {
			GRIPTAPE_ASSISTANT_ID: sandbox.griptape.ids.assistants[0],
			OPENAI_ASSISTANT_ID: sandbox.openai.ids.assistant,
			GRIPTAPE_RUN_ID: 'run-of-the-example',
		};
		const files = [
			'scheduled-batch-questions.json',
			'webhook-answer.json',
			'webhook-streamed-answer.json',
			'griptape-run-and-wait.json',
			'openai-threads-webhook.json',
		];
		for (const file of files) {
			const nodes = loadExample(file, replacements).nodes.filter((node) =>
				node.type.startsWith(`${PACKAGE}.`),
			);
			const pickers = nodes.filter((node) => node.parameters.assistantId !== undefined);
			expect({ file, pickers: pickers.length }).toEqual({ file, pickers: 1 });
			for (const node of pickers) {
				const type = node.type.slice(PACKAGE.length + 1);
				const value = node.parameters.assistantId as IDataObject;
				expect(value).toEqual({
					__rl: true,
					mode: 'list',
					value: expect.any(String),
					cachedResultName: expect.any(String),
				});
				const listed = await runListSearch({
					type,
					parameters: node.parameters as IDataObject,
					credentials: sandboxCredentials(sandbox, type),
					method: 'searchAssistants',
				});
				expect(listed.results).toContainEqual(
					expect.objectContaining({ name: value.cachedResultName, value: value.value }),
				);
			}
		}
		const trigger = loadExample('griptape-run-events-trigger.json', replacements).nodes.find(
			(node) => node.type === `${PACKAGE}.griptapeCloudTrigger`,
		);
		expect(trigger?.parameters.assistantRunId).toEqual({
			__rl: true,
			mode: 'id',
			value: 'run-of-the-example',
		});
	});
});
