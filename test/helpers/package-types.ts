import type { ICredentialType, INodeProperties, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { AgentChatApi } from '../../credentials/AgentChatApi.credentials';
import { GriptapeCloudApi } from '../../credentials/GriptapeCloudApi.credentials';
import { HaufeCopilotApi } from '../../credentials/HaufeCopilotApi.credentials';
import { OpenAiThreadsApi } from '../../credentials/OpenAiThreadsApi.credentials';
import { AgentChat } from '../../nodes/AgentChat/AgentChat.node';
import { GriptapeCloud } from '../../nodes/GriptapeCloud/GriptapeCloud.node';
import { GriptapeCloudTrigger } from '../../nodes/GriptapeCloudTrigger/GriptapeCloudTrigger.node';
import { HaufeCopilot } from '../../nodes/HaufeCopilot/HaufeCopilot.node';
import { OpenAiThreads } from '../../nodes/OpenAiThreads/OpenAiThreads.node';

/** Every node of the package, keyed by type name as n8n registers it. */
export function packageNodeTypes(): Record<string, INodeType> {
	return {
		'n8n-nodes-assistant-threads.haufeCopilot': new HaufeCopilot(),
		'n8n-nodes-assistant-threads.agentChat': new AgentChat(),
		'n8n-nodes-assistant-threads.openAiThreads': new OpenAiThreads(),
		'n8n-nodes-assistant-threads.griptapeCloud': new GriptapeCloud(),
		'n8n-nodes-assistant-threads.griptapeCloudTrigger': new GriptapeCloudTrigger(),
	};
}

/**
 * The tool variant n8n derives from a `usableAsTool` node (n8n 2.41.1, `convertNodeToAiTool` in
 * packages/cli's tool-generation): the same node, its type name and display name with "Tool"
 * appended, no main input, an `ai_tool` output, and n8n's "Tool Description" fields unless the
 * node defines `toolDescription` itself. The `@tool` display option reads that name.
 */
export function toolVariant(nodeType: INodeType): INodeType {
	const base = nodeType.description;
	const properties: INodeProperties[] = [...base.properties];
	if (!properties.some((property) => property.name === 'toolDescription')) {
		properties.unshift(
			{
				displayName: 'Tool Description',
				name: 'descriptionType',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Set Automatically', value: 'auto' },
					{ name: 'Set Manually', value: 'manual' },
				],
				default: 'auto',
			},
			{
				displayName: 'Description',
				name: 'toolDescription',
				type: 'string',
				default: base.description,
				required: true,
				displayOptions: { show: { descriptionType: ['manual'] } },
			},
		);
	}
	const variant = Object.create(nodeType) as INodeType;
	variant.description = {
		...base,
		name: `${base.name}Tool`,
		displayName: `${base.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
		usableAsTool: undefined,
		properties,
	};
	return variant;
}

/** The tool variants of the package's action nodes, keyed by type name as n8n names them. */
export function packageToolTypes(): Record<string, INodeType> {
	return Object.fromEntries(
		Object.entries(packageNodeTypes())
			.filter(([, type]) => type.description.usableAsTool)
			.map(([name, type]) => [`${name}Tool`, toolVariant(type)]),
	);
}

export function packageCredentialTypes(): Record<string, ICredentialType> {
	const types: ICredentialType[] = [
		new HaufeCopilotApi(),
		new GriptapeCloudApi(),
		new AgentChatApi(),
		new OpenAiThreadsApi(),
	];
	return Object.fromEntries(types.map((type) => [type.name, type]));
}
