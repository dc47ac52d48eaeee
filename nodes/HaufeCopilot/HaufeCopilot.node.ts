import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { otherToolDescriptionField } from '../shared/tool';
import * as assistant from './actions/assistant';
import * as chatCompletion from './actions/chatCompletion';
import { requestOptionsField } from './actions/fields';
import * as file from './actions/file';
import * as message from './actions/message';
import * as question from './actions/question';
import { router } from './actions/router';
import * as run from './actions/run';
import * as thread from './actions/thread';
import { searchAssistants, searchThreads } from './methods/listSearch';

export class HaufeCopilot implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Haufe Copilot',
		name: 'haufeCopilot',
		icon: { light: 'file:../../icons/haufe.svg', dark: 'file:../../icons/haufe.dark.svg' },
		group: ['transform'],
		version: 1,
		// Each operation's action, written by scripts/subtitles.js (run by npm run build; npm run lint
		// fails when it is stale): n8n's lint rules and its verification scanner want a string literal.
		subtitle:
			'={{ ({"assistant:get":"Get an assistant","assistant:getAll":"Get many assistants","chatCompletion:create":"Create a chat completion","chatCompletion:stream":"Create a streamed chat completion","file:get":"Get a file","file:getAll":"Get many files","file:getStatus":"Get the processing status of a file","file:upload":"Upload a file","message:create":"Create a message","message:delete":"Delete a message","message:getAll":"Get many messages","question:ask":"Ask a question","run:run":"Run a thread","run:stream":"Run a thread with a streamed answer","thread:create":"Create a thread","thread:delete":"Delete a thread","thread:get":"Get a thread","thread:getAll":"Get many threads"})[$parameter["resource"] + ":" + $parameter["operation"]] || $parameter["operation"] }}',
		description:
			'Ask Haufe Copilot assistants: threads, messages, runs, chat completions and files',
		defaults: { name: 'Haufe Copilot' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'haufeCopilotApi', required: true }],
		// The editor's Docs link: a codex URL would get n8n's tracking query after its #anchor.
		documentationUrl:
			'https://github.com/n8n-nodes-assistant-threads/n8n-nodes-assistant-threads/blob/main/docs/haufe-copilot.md',
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Assistant', value: 'assistant' },
					{ name: 'Chat Completion', value: 'chatCompletion' },
					{ name: 'File', value: 'file' },
					{ name: 'Message', value: 'message' },
					{
						name: 'Question',
						value: 'question',
						description: 'Ask: one question per item, answered with sources',
					},
					{ name: 'Run', value: 'run' },
					{ name: 'Thread', value: 'thread' },
				],
				default: 'question',
			},
			...assistant.description,
			...chatCompletion.description,
			...file.description,
			...message.description,
			...question.description,
			...run.description,
			...thread.description,
			requestOptionsField,
			otherToolDescriptionField({ resource: ['assistant', 'file', 'message', 'run', 'thread'] }),
		],
	};

	methods = { listSearch: { searchAssistants, searchThreads } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
