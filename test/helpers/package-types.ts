import type { ICredentialType, INodeType } from 'n8n-workflow';

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

export function packageCredentialTypes(): Record<string, ICredentialType> {
	const types: ICredentialType[] = [
		new HaufeCopilotApi(),
		new GriptapeCloudApi(),
		new AgentChatApi(),
		new OpenAiThreadsApi(),
	];
	return Object.fromEntries(types.map((type) => [type.name, type]));
}
