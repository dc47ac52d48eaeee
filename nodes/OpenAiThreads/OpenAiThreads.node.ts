import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { actionSubtitle, requestOptionsField } from '../shared/descriptions';
import { resources, router } from './actions/router';
import { searchAssistants, searchRuns } from './methods/listSearch';

export class OpenAiThreads implements INodeType {
	// The subtitle is there, built from the operations' actions (actionSubtitle); the rule only sees string literals.
	// eslint-disable-next-line n8n-nodes-base/node-class-description-missing-subtitle
	description: INodeTypeDescription = {
		displayName: 'OpenAI-Compatible Threads',
		name: 'openAiThreads',
		icon: { light: 'file:../../icons/threads.svg', dark: 'file:../../icons/threads.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: actionSubtitle(resources),
		description: 'Threads, messages and runs on any server that speaks the OpenAI Assistants v2 wire format',
		defaults: { name: 'OpenAI-Compatible Threads' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'openAiThreadsApi', required: true }],
		// The editor's Docs link: a codex URL would get n8n's tracking query after its #anchor.
		documentationUrl: 'https://github.com/n8n-nodes-assistant-threads/n8n-nodes-assistant-threads#openai-compatible-threads-node',
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Message', value: 'message' },
					{ name: 'Run', value: 'run' },
					{ name: 'Thread', value: 'thread' },
				],
				default: 'run',
			},
			...resources.message.description,
			...resources.run.description,
			...resources.thread.description,
			requestOptionsField(),
		],
	};

	methods = { listSearch: { searchAssistants, searchRuns } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
