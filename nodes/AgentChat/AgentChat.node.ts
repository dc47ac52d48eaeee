import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptionsField } from '../shared/descriptions';
import { otherToolDescriptionField } from '../shared/tool';
import { resources, router } from './actions/router';
import { searchModels, searchThreads } from './methods/listSearch';

export class AgentChat implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agent Chat',
		name: 'agentChat',
		icon: { light: 'file:../../icons/agentchat.svg', dark: 'file:../../icons/agentchat.dark.svg' },
		group: ['transform'],
		version: 1,
		// Each operation's action, written by scripts/subtitles.js (run by npm run build; npm run lint
		// fails when it is stale): n8n's lint rules and its verification scanner want a string literal.
		subtitle:
			'={{ ({"file:upload":"Upload a file to a thread","model:getDefault":"Get the default model configuration","model:getAll":"Get many models","run:send":"Send a message and get the answer","thread:create":"Create a thread","thread:delete":"Delete a thread","thread:get":"Get a thread with its messages","thread:getAll":"Get many threads"})[$parameter["resource"] + ":" + $parameter["operation"]] || $parameter["operation"] }}',
		description: 'Talk to the agents of a self-hosted agent chat system (Grit One SDK)',
		defaults: { name: 'Agent Chat' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'agentChatApi', required: true }],
		// The editor's Docs link: a codex URL would get n8n's tracking query after its #anchor.
		documentationUrl:
			'https://github.com/n8n-nodes-assistant-threads/n8n-nodes-assistant-threads/blob/main/docs/agent-chat.md',
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'File', value: 'file' },
					{ name: 'Model', value: 'model' },
					{ name: 'Run', value: 'run' },
					{ name: 'Thread', value: 'thread' },
				],
				default: 'run',
			},
			...resources.file.description,
			...resources.model.description,
			...resources.run.description,
			...resources.thread.description,
			requestOptionsField(),
			otherToolDescriptionField({ resource: ['file', 'model', 'thread'] }),
		],
	};

	methods = { listSearch: { searchModels, searchThreads } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
