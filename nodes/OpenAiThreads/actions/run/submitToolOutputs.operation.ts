import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { simplifyField } from '../../../shared/descriptions';
import { simplified } from '../../../shared/output';
import { Validator } from '../../../shared/validation';
import type { OpenAiThreadsClient } from '../../transport';
import { runLocator, threadIdField } from '../fields';
import { runPath } from './fields';
import { startRun, waitFields } from './follow';
import { simplifyRun } from './simplify';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['submitToolOutputs'] } },
	[
		threadIdField,
		runLocator,
		{
			displayName: 'Tool Outputs',
			name: 'toolOutputs',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add tool output',
			default: {},
			options: [
				{
					displayName: 'Tool Output',
					name: 'values',
					values: [
						{ displayName: 'Tool Call ID', name: 'toolCallId', type: 'string', default: '' },
						{
							displayName: 'Output',
							name: 'output',
							type: 'string',
							default: '',
							description: 'What the tool returned, as text',
						},
					],
				},
			],
			description:
				"One output per tool call of the run's required_action (its tool_calls are in the output of the run that stopped)",
		},
		...waitFields,
		simplifyField,
	],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: OpenAiThreadsClient,
) {
	const validator = new Validator(this.getNode(), itemIndex);
	const values = ((this.getNodeParameter('toolOutputs', itemIndex, {}) as IDataObject).values ??
		[]) as IDataObject[];
	if (!values.length) validator.fail('"Tool Outputs" needs at least one output');
	const toolOutputs = values.map((value, index) => {
		validator.required(value.toolCallId, `Tool Outputs ${index + 1} > Tool Call ID`);
		return { tool_call_id: String(value.toolCallId).trim(), output: String(value.output ?? '') };
	});
	const run = await startRun.call(
		this,
		client,
		itemIndex,
		`${runPath(this, itemIndex)}/submit_tool_outputs`,
		{ tool_outputs: toolOutputs },
	);
	return simplified(this, itemIndex, run, simplifyRun);
}
