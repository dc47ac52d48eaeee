import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { otherToolDescriptionField } from '../shared/tool';
import { requestOptionsField } from './actions/fields';
import { resources, router } from './actions/router';
import { searchAssistantRuns, searchAssistants, searchThreads } from './methods/listSearch';

export class GriptapeCloud implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Griptape Cloud',
		name: 'griptapeCloud',
		icon: { light: 'file:../../icons/griptape.svg', dark: 'file:../../icons/griptape.dark.svg' },
		group: ['transform'],
		version: 1,
		// Each operation's action, written by scripts/subtitles.js (run by npm run build; npm run lint
		// fails when it is stale): n8n's lint rules and its verification scanner want a string literal.
		subtitle:
			'={{ ({"apiKey:create":"Create an API key","apiKey:delete":"Delete an API key","apiKey:get":"Get an API key","apiKey:getAll":"Get many API keys","apiKey:update":"Rename an API key","assistant:getAll":"Get many assistants","assistantRun:cancel":"Cancel an assistant run","assistantRun:create":"Create an assistant run","assistantRun:get":"Get an assistant run","assistantRun:getAll":"Get many assistant runs","event:collectStream":"Collect the event stream of a run","event:create":"Create events for a structure run","event:get":"Get an event","event:getAll":"Get many events of a run","message:create":"Create a message in a thread","message:getAll":"Get many messages of a thread","thread:create":"Create a thread","thread:delete":"Delete a thread","thread:get":"Get a thread","thread:getAll":"Get many threads","thread:update":"Update a thread","user:getAll":"Get many users"})[$parameter["resource"] + ":" + $parameter["operation"]] || $parameter["operation"] }}',
		description:
			'Run Griptape Cloud assistants and work with their runs, events, threads, API keys and users',
		defaults: { name: 'Griptape Cloud' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'griptapeCloudApi', required: true }],
		// The editor's Docs link: a codex URL would get n8n's tracking query after its #anchor.
		documentationUrl:
			'https://github.com/n8n-nodes-assistant-threads/n8n-nodes-assistant-threads/blob/main/docs/griptape-cloud.md',
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
			otherToolDescriptionField({
				resource: ['apiKey', 'assistant', 'event', 'message', 'thread', 'user'],
			}),
			otherToolDescriptionField({
				resource: ['assistantRun'],
				operation: ['cancel', 'get', 'getAll'],
			}),
		],
	};

	methods = { listSearch: { searchAssistantRuns, searchAssistants, searchThreads } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
