/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * What a model sees of each tool as the editor creates it (only the operation and the assistant
 * set): the parameters n8n resolves for the tool variant (through the `@tool` display option),
 * the argument schema n8n-core builds from their `$fromAI()` calls (`getSchema`, as
 * createNodeAsTool does, in the JSON form LangChain sends the model), and the description. And
 * that the node itself, not a tool, resolves exactly the parameters it had.
 */
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { getSchema } from 'n8n-core/dist/execution-engine/node-execution-context/utils/create-node-as-tool';
import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { forwardsAnswer } from '../../nodes/shared/forward';
import { runsAsTool } from '../../nodes/shared/tool';
import { PACKAGE } from '../helpers/listed-types';
import { packageNodeTypes, packageToolTypes } from '../helpers/package-types';

const nodes = packageNodeTypes();
const tools = packageToolTypes();

/** The parameters n8n resolves for a node of this type (as the Workflow constructor does). */
function resolve(type: INodeType, parameters: INodeParameters): INodeParameters {
	const node = {
		name: 'n',
		type: `${PACKAGE}.${type.description.name}`,
		typeVersion: 1,
		parameters,
	} as unknown as INode;
	return NodeHelpers.getNodeParameters(
		type.description.properties,
		parameters,
		true,
		false,
		node,
		type.description,
	) as INodeParameters;
}

function schemaOf(parameters: INodeParameters): IDataObject {
	const schema = getSchema({ name: 'tool', parameters } as unknown as INode);
	return toJsonSchema(schema) as IDataObject;
}

interface Case {
	type: string;
	parameters: INodeParameters;
	optional: string[];
	/** The parameter of the question, and its value on the node (not a tool), as before. */
	nodeDefaults: IDataObject;
}

const CASES: Case[] = [
	{
		type: 'haufeCopilot',
		parameters: { resource: 'question', operation: 'ask' },
		optional: ['thread_id'],
		nodeDefaults: { question: '={{ $json.question }}', threadId: '' },
	},
	{
		type: 'haufeCopilot',
		parameters: { resource: 'chatCompletion', operation: 'create' },
		optional: [],
		nodeDefaults: { messages: { values: [{ role: 'user', content: '' }] } },
	},
	{
		type: 'haufeCopilot',
		parameters: { resource: 'chatCompletion', operation: 'stream' },
		optional: [],
		nodeDefaults: { messages: { values: [{ role: 'user', content: '' }] } },
	},
	{
		type: 'griptapeCloud',
		parameters: { resource: 'assistantRun', operation: 'create' },
		optional: ['conversation_key'],
		nodeDefaults: { input: '', threadMode: 'none' },
	},
	{
		type: 'agentChat',
		parameters: { resource: 'run', operation: 'send' },
		optional: ['conversation_key'],
		nodeDefaults: { message: '={{ $json.message }}', threadMode: 'new' },
	},
	{
		type: 'openAiThreads',
		parameters: { resource: 'run', operation: 'create' },
		optional: ['thread_id'],
		nodeDefaults: { threadId: '' },
	},
	{
		type: 'openAiThreads',
		parameters: { resource: 'run', operation: 'createThreadAndRun' },
		optional: [],
		nodeDefaults: { messages: {} },
	},
];

describe.each(CASES)('$type $parameters.resource › $parameters.operation', (entry) => {
	const tool = tools[`${PACKAGE}.${entry.type}Tool`];
	const node = nodes[`${PACKAGE}.${entry.type}`];

	it('as a tool: the model is asked for "question" (required) and nothing else it must give', () => {
		const schema = schemaOf(resolve(tool, entry.parameters));
		const properties = schema.properties as Record<string, IDataObject>;
		expect(Object.keys(properties).sort()).toEqual(['question', ...entry.optional].sort());
		expect(schema.required).toEqual(['question']);
		for (const property of Object.values(properties)) {
			expect(property.type).toBe('string');
			expect(String(property.description).length).toBeGreaterThan(30);
		}
	});

	it('as a tool: a description that says what comes back', () => {
		const description = String(resolve(tool, entry.parameters).toolDescription);
		expect(description).toMatch(/returns its answer/);
		// How to continue, or that each call stands alone.
		expect(description).toMatch(/thread_id|conversation_key|does not see earlier calls/);
	});

	it('not a tool: the parameters it always had, no $fromAI, no tool fields', () => {
		const resolved = resolve(node, entry.parameters);
		expect(resolved).toMatchObject(entry.nodeDefaults);
		expect(JSON.stringify(resolved)).not.toContain('$fromAI');
		expect(resolved).not.toHaveProperty('toolDescription');
		expect(resolved).not.toHaveProperty('toolCompactOutput');
		if (!('question' in entry.nodeDefaults)) expect(resolved).not.toHaveProperty('question');
	});
});

it('every operation of a tool variant has a description field, so n8n adds none of its own', () => {
	for (const [name, tool] of Object.entries(tools)) {
		const resources = tool.description.properties.find((property) => property.name === 'resource');
		for (const option of (resources?.options ?? []) as Array<{ value: string }>) {
			const operation = tool.description.properties.find(
				(property) =>
					property.name === 'operation' &&
					property.displayOptions?.show?.resource?.includes(option.value),
			);
			for (const op of (operation?.options ?? []) as Array<{ value: string }>) {
				const resolved = resolve(tool, { resource: option.value, operation: op.value });
				expect([name, option.value, op.value, typeof resolved.toolDescription]).toEqual([
					name,
					option.value,
					op.value,
					'string',
				]);
			}
		}
	}
});

describe('the one decision to stream: forwardsAnswer', () => {
	const context = (type: string, streaming: boolean) =>
		({
			getNode: () => ({ type: `${PACKAGE}.${type}` }),
			isStreaming: () => streaming,
		}) as unknown as IExecuteFunctions;

	it('streams on the main path of a streaming execution, never as a tool', () => {
		expect(forwardsAnswer(context('haufeCopilot', true))).toBe(true);
		expect(forwardsAnswer(context('haufeCopilot', false))).toBe(false);
		for (const type of ['haufeCopilot', 'griptapeCloud', 'agentChat', 'openAiThreads']) {
			expect(runsAsTool(context(`${type}Tool`, true))).toBe(true);
			expect(forwardsAnswer(context(`${type}Tool`, true))).toBe(false);
			expect(runsAsTool(context(type, true))).toBe(false);
		}
	});
});
