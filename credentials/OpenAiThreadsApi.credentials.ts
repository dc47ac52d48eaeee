import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

export class OpenAiThreadsApi implements ICredentialType {
	name = 'openAiThreadsApi';

	displayName = 'OpenAI-Compatible Threads API';

	icon: Icon = { light: 'file:../icons/threads.svg', dark: 'file:../icons/threads.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-assistant-threads/n8n-nodes-assistant-threads/blob/main/docs/openai-threads.md#credential-openai-compatible-threads-api';

	httpRequestNode = {
		name: 'OpenAI-Compatible Threads',
		docsUrl: 'https://platform.openai.com/docs/api-reference/threads',
		apiBaseUrlPlaceholder: 'https://assistants.example.com/v1/',
	};

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://assistants.example.com/v1',
			description:
				"A server that speaks the Assistants v2 wire format. OpenAI's own hosted Assistants API closed on 2026-08-26.",
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
		},
		{
			displayName: 'Organization',
			name: 'organization',
			type: 'string',
			default: '',
			description: 'Sent as OpenAI-Organization when set',
		},
		{
			displayName: 'Project',
			name: 'project',
			type: 'string',
			default: '',
			description: 'Sent as OpenAI-Project when set',
		},
	];

	/** Bearer key, the Assistants v2 beta header, and the optional organisation/project headers. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers: IDataObject = {
			...(requestOptions.headers ?? {}),
			Authorization: `Bearer ${String(credentials.apiKey ?? '')}`,
			'OpenAI-Beta': 'assistants=v2',
		};
		if (credentials.organization) headers['OpenAI-Organization'] = String(credentials.organization);
		if (credentials.project) headers['OpenAI-Project'] = String(credentials.project);
		return { ...requestOptions, headers };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/assistants',
			qs: { limit: 1 },
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
						'The base URL has no /assistants endpoint: check that it ends in /v1 and speaks the Assistants API.',
				},
			},
		],
	};
}
