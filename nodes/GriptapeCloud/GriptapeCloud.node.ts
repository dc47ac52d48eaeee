import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { actionSubtitle } from '../shared/descriptions';
import { requestOptionsField } from './actions/fields';
import { resources, router } from './actions/router';
import { searchAssistantRuns, searchAssistants, searchThreads } from './methods/listSearch';

export class GriptapeCloud implements INodeType {
	// The subtitle is there, built from the operations' actions (actionSubtitle); the rule only sees string literals.
	// eslint-disable-next-line n8n-nodes-base/node-class-description-missing-subtitle
	description: INodeTypeDescription = {
		displayName: 'Griptape Cloud',
		name: 'griptapeCloud',
		icon: { light: 'file:../../icons/griptape.svg', dark: 'file:../../icons/griptape.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: actionSubtitle(resources),
		description: 'Run Griptape Cloud assistants and work with their runs, events, threads, API keys and users',
		defaults: { name: 'Griptape Cloud' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'griptapeCloudApi', required: true }],
		// The editor's Docs link: a codex URL would get n8n's tracking query after its #anchor.
		documentationUrl: 'https://github.com/n8n-nodes-assistant-threads/n8n-nodes-assistant-threads#griptape-cloud-node',
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'API Key', value: 'apiKey' },
					{ name: 'Assistant', value: 'assistant' },
					{ name: 'Assistant Run', value: 'assistantRun' },
					{ name: 'Event', value: 'event' },
					{ name: 'Message', value: 'message' },
					{ name: 'Thread', value: 'thread' },
					{ name: 'User', value: 'user' },
				],
				default: 'assistantRun',
			},
			...resources.apiKey.description,
			...resources.assistant.description,
			...resources.assistantRun.description,
			...resources.event.description,
			...resources.message.description,
			...resources.thread.description,
			...resources.user.description,
			requestOptionsField,
		],
	};

	methods = { listSearch: { searchAssistantRuns, searchAssistants, searchThreads } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
