import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { mergeBody, Validator } from '../../../shared/validation';
import { readMetadata } from '../fields';

export const runOptionsField: INodeProperties = {
	displayName: 'Run Options',
	name: 'runOptions',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Additional Body (JSON)',
			name: 'additionalBodyJson',
			type: 'json',
			default: '{}',
			description: 'JSON merged into the request body, for fields this node does not model (tools, temperature, ...)',
		},
		{ displayName: 'Additional Instructions', name: 'additionalInstructions', type: 'string', default: '' },
		{ displayName: 'Instructions', name: 'instructions', type: 'string', default: '', description: 'Replace the assistant\'s instructions for this run' },
		{ displayName: 'Metadata (JSON)', name: 'metadataJson', type: 'json', default: '{}' },
		{ displayName: 'Model', name: 'model', type: 'string', default: '', description: 'Replace the assistant\'s model for this run' },
	],
};

/** The optional run fields, checked, merged with the extra JSON. */
export function runBody(context: IExecuteFunctions, itemIndex: number, base: IDataObject): IDataObject {
	const validator = new Validator(context.getNode(), itemIndex);
	const options = context.getNodeParameter('runOptions', itemIndex, {}) as IDataObject;
	const body: IDataObject = { ...base };
	if (options.model) body.model = options.model;
	if (options.instructions) body.instructions = options.instructions;
	if (options.additionalInstructions) body.additional_instructions = options.additionalInstructions;
	const metadata = readMetadata(validator, options.metadataJson, 'Run Options > Metadata (JSON)');
	if (metadata) body.metadata = metadata;
	return mergeBody(body, validator.jsonObject(options.additionalBodyJson, 'Run Options > Additional Body (JSON)'));
}
