import type { ICredentialType, INodeType } from 'n8n-workflow';

import { HaufeCopilotApi } from '../../credentials/HaufeCopilotApi.credentials';
import { HaufeCopilot } from '../../nodes/HaufeCopilot/HaufeCopilot.node';

/** Every node of the package, keyed by type name as n8n registers it. */
export function packageNodeTypes(): Record<string, INodeType> {
	return {
		'n8n-nodes-assistant-threads.haufeCopilot': new HaufeCopilot(),
	};
}

export function packageCredentialTypes(): Record<string, ICredentialType> {
	const types: ICredentialType[] = [new HaufeCopilotApi()];
	return Object.fromEntries(types.map((type) => [type.name, type]));
}
