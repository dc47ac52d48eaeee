import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox';
import { GRIPTAPE_KEY } from './griptape';
import { API_KEY, LICENCE } from './haufe';

/** The credential of each action node, pointed at the sandbox, keyed by credential type. */
export function sandboxCredentials(
	sandbox: Sandbox,
	nodeType: string,
): Record<string, ICredentialDataDecryptedObject> {
	const byNode: Record<string, Record<string, ICredentialDataDecryptedObject>> = {
		haufeCopilot: {
			haufeCopilotApi: { apiKey: API_KEY, baseUrl: sandbox.haufe.baseUrl, licenceId: LICENCE },
		},
		griptapeCloud: {
			griptapeCloudApi: { apiKey: GRIPTAPE_KEY, baseUrl: sandbox.griptape.baseUrl },
		},
		openAiThreads: {
			openAiThreadsApi: {
				apiKey: 'sandbox-openai-key',
				baseUrl: sandbox.openai.baseUrl,
				organization: '',
				project: '',
			},
		},
		agentChat: {
			agentChatApi: {
				siteUrl: sandbox.agentChat.siteUrl,
				authMethod: 'password',
				email: 'user@example.com',
				password: 'correct-horse-battery',
				sessionToken: '',
			},
		},
	};
	return byNode[nodeType];
}
