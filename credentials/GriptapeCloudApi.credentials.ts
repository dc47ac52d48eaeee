import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class GriptapeCloudApi implements ICredentialType {
	name = 'griptapeCloudApi';

	displayName = 'Griptape Cloud API';

	icon: Icon = { light: 'file:../icons/griptape.svg', dark: 'file:../icons/griptape.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-assistant-threads/n8n-nodes-assistant-threads/blob/main/docs/griptape-cloud.md#credential-griptape-cloud-api';

	// Lets n8n's HTTP Request node use this credential for endpoints the node does not cover.
	httpRequestNode = {
		name: 'Griptape Cloud',
		docsUrl: 'https://docs.griptape.ai/stable/griptape-cloud/api/api-reference/',
		apiBaseUrlPlaceholder: 'https://cloud.griptape.ai/api/',
	};

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'A Griptape Cloud API key; sent as a Bearer token',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://cloud.griptape.ai/api',
			description: 'Change only to reach a self-hosted or test endpoint',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/assistants',
			qs: { page_size: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'The API key was rejected (401): check the key. The base URL was reached.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'The base URL answered but has no /assistants endpoint: check the base URL (it ends in /api).',
				},
			},
		],
	};
}
