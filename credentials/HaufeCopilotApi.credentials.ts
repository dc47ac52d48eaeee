import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class HaufeCopilotApi implements ICredentialType {
	name = 'haufeCopilotApi';

	displayName = 'Haufe Copilot API';

	icon: Icon = { light: 'file:../icons/haufe.svg', dark: 'file:../icons/haufe.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-assistant-threads/n8n-nodes-assistant-threads/blob/main/docs/haufe-copilot.md#credential-haufe-copilot-api';

	// Lets n8n's HTTP Request node use this credential for endpoints the node does not cover.
	httpRequestNode = {
		name: 'Haufe Copilot',
		docsUrl: 'https://api.haufe.ai/agents/v1',
		apiBaseUrlPlaceholder: 'https://api.haufe.ai/agents/v1/',
	};

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The key your Haufe contact issued; sent in the api-key header',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.haufe.ai/agents/v1',
			description: 'Change only to reach a test or proxy endpoint',
		},
		{
			displayName: 'Default Licence ID',
			name: 'licenceId',
			type: 'string',
			default: '',
			description:
				'Sent as meta_data.user_data.licence on runs when the node does not set one. An unknown licence degrades answers without an error.',
		},
		{
			displayName: 'Default User ID',
			name: 'userId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 0b7a1c2d-… (a UUID)',
			description:
				'UUID of the end user, used for new threads and file uploads when the node does not set one',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'api-key': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/assistants',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'The API key was rejected (401 unauthorized): check the key. The base URL was reached.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message: 'The base URL answered but has no /assistants endpoint: check the base URL.',
				},
			},
		],
	};
}
