import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { pathId } from '../../../shared/parameters';
import { Validator } from '../../../shared/validation';
import { idField } from '../fields';

export const apiKeyIdField = idField('API Key ID', 'apiKeyId');

/** Keys belong to an organisation or to a user: both list and create under their owner. */
export const ownerFields: INodeProperties[] = [
	{
		displayName: 'Owner',
		name: 'owner',
		type: 'options',
		options: [
			{ name: 'Organization', value: 'organization' },
			{ name: 'User', value: 'user' },
		],
		default: 'organization',
	},
	{
		...idField('Organization ID', 'organizationId'),
		displayOptions: { show: { owner: ['organization'] } },
	},
	{ ...idField('User ID', 'userId'), displayOptions: { show: { owner: ['user'] } } },
];

export function ownerPath(context: IExecuteFunctions, itemIndex: number): string {
	return context.getNodeParameter('owner', itemIndex) === 'user'
		? `/users/${pathId(context, 'userId', 'User ID', itemIndex)}/api-keys`
		: `/organizations/${pathId(context, 'organizationId', 'Organization ID', itemIndex)}/api-keys`;
}

export const nameField: INodeProperties = {
	displayName: 'Name',
	name: 'name',
	type: 'string',
	default: '',
	required: true,
	description: 'A name for the key, 1–200 characters',
};

export function readName(context: IExecuteFunctions, itemIndex: number): string {
	const validator = new Validator(context.getNode(), itemIndex);
	const name = (context.getNodeParameter('name', itemIndex, '') as string).trim();
	validator.required(name, 'Name');
	validator.maxLength(name, 'Name', 200);
	return name;
}
