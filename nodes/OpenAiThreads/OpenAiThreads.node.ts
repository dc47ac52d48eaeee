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
import { searchAssistants, searchRuns } from './methods/listSearch';

export class OpenAiThreads implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OpenAI-Compatible Threads',
		name: 'openAiThreads',
		icon: { light: 'file:../../icons/threads.svg', dark: 'file:../../icons/threads.dark.svg' },
		group: ['transform'],
		version: 1,
		// Each operation's action, written by scripts/subtitles.js (run by npm run build; npm run lint
		// fails when it is stale): n8n's lint rules and its verification scanner want a string literal.
		subtitle:
			'={{ ({"message:create":"Create a message","message:get":"Get a message","message:getAll":"Get many messages","run:cancel":"Cancel a run","run:create":"Create a run","run:createThreadAndRun":"Create a thread and run it","run:get":"Get a run","run:getAll":"Get many runs","run:submitToolOutputs":"Submit tool outputs to a run","thread:create":"Create a thread","thread:delete":"Delete a thread","thread:get":"Get a thread","thread:update":"Update a thread"})[$parameter["resource"] + ":" + $parameter["operation"]] || $parameter["operation"] }}',
		description:
			'Threads, messages and runs on any server that speaks the OpenAI Assistants v2 wire format',
		defaults: { name: 'OpenAI-Compatible Threads' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'openAiThreadsApi', required: true }],
		// The editor's Docs link: a codex URL would get n8n's tracking query after its #anchor.
		documentationUrl:
			'https://github.com/n8n-nodes-assistant-threads/n8n-nodes-assistant-threads/blob/main/docs/openai-threads.md',
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
			otherToolDescriptionField({ resource: ['message', 'thread'] }),
			otherToolDescriptionField({
				resource: ['run'],
				operation: ['cancel', 'get', 'getAll', 'submitToolOutputs'],
			}),
		],
	};

	methods = { listSearch: { searchAssistants, searchRuns } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
