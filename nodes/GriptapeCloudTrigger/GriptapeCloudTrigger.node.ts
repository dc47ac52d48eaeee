import type {
	INodeProperties,
	IPollFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	assistantLocator,
	assistantRunLocator,
	searchAssistantRuns,
	searchAssistants,
} from '../GriptapeCloud/methods/listSearch';
import { GRIPTAPE_CLIENT, TERMINAL_STATUSES } from '../GriptapeCloud/transport';
import { POLL_REQUEST_DEFAULTS, pollClient } from '../shared/client-factory';
import { optionSubtitle, requestOptionsField } from '../shared/descriptions';
import { pollFinishedRuns, pollRunEvents } from './pollers';

const triggerOnField: INodeProperties = {
	displayName: 'Trigger On',
	name: 'event',
	type: 'options',
	options: [
		{
			name: 'New Event of an Assistant Run',
			value: 'runEvent',
			description: 'Each event of one run, once, in order',
		},
		{
			name: 'Run Finished for an Assistant',
			value: 'runFinished',
			description: 'Each run of the assistant once, when it reaches a terminal status',
		},
	],
	default: 'runFinished',
};

export class GriptapeCloudTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Griptape Cloud Trigger',
		name: 'griptapeCloudTrigger',
		icon: { light: 'file:../../icons/griptape.svg', dark: 'file:../../icons/griptape.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: optionSubtitle(triggerOnField),
		// n8n's node panel lists this trigger inside the Griptape Cloud node, with this description.
		description:
			'Run Griptape Cloud assistants and work with their runs and threads, or start workflows on run events and finished runs',
		defaults: { name: 'Griptape Cloud Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'griptapeCloudApi', required: true }],
		// The editor's Docs link: a codex URL would get n8n's tracking query after its #anchor.
		documentationUrl:
			'https://github.com/n8n-nodes-assistant-threads/n8n-nodes-assistant-threads/blob/main/docs/griptape-cloud.md#griptape-cloud-trigger',
		properties: [
			triggerOnField,
			{ ...assistantRunLocator, displayOptions: { show: { event: ['runEvent'] } } },
			{
				displayName: 'Event Types',
				name: 'eventTypes',
				type: 'string',
				default: '',
				placeholder: 'e.g. TextChunkEvent, FinishStructureRunEvent',
				displayOptions: { show: { event: ['runEvent'] } },
				description: 'Comma-separated event types to emit; empty emits all',
			},
			{
				displayName: 'Start From',
				name: 'startFrom',
				type: 'options',
				options: [
					{ name: 'First Event of the Run', value: 'beginning' },
					{ name: 'Events After Activation', value: 'now' },
				],
				default: 'beginning',
				displayOptions: { show: { event: ['runEvent'] } },
			},
			{ ...assistantLocator, displayOptions: { show: { event: ['runFinished'] } } },
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: TERMINAL_STATUSES.map((status) => ({
					name: status[0] + status.slice(1).toLowerCase(),
					value: status,
				})),
				default: [],
				displayOptions: { show: { event: ['runFinished'] } },
				description: 'Only runs that ended in these statuses; none selected emits all',
			},
			requestOptionsField([], POLL_REQUEST_DEFAULTS),
		],
	};

	methods = { listSearch: { searchAssistantRuns, searchAssistants } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const client = await pollClient(this, GRIPTAPE_CLIENT);
		return this.getNodeParameter('event') === 'runEvent'
			? await pollRunEvents.call(this, client)
			: await pollFinishedRuns.call(this, client);
	}
}
