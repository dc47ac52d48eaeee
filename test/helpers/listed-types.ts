/**
 * What a running n8n lists of this package: its five node types and four credential types, as
 * read from n8n's REST API (`/types/nodes.json`, `/types/credentials.json`). The install, UI
 * install and compatibility tests all check that n8n loaded them.
 */
export const PACKAGE = 'n8n-nodes-assistant-threads';

/** The package's node types as n8n names them, sorted. */
export const PACKAGE_NODE_TYPES = [
	'haufeCopilot',
	'griptapeCloud',
	'griptapeCloudTrigger',
	'agentChat',
	'openAiThreads',
]
	.map((name) => `${PACKAGE}.${name}`)
	.sort();

export const PACKAGE_CREDENTIAL_TYPES = [
	'haufeCopilotApi',
	'griptapeCloudApi',
	'agentChatApi',
	'openAiThreadsApi',
];

interface TypesApi {
	getJson(pathname: string): Promise<unknown>;
}

/**
 * The package's node types n8n lists (sorted, without the `…Tool` variants n8n adds for nodes
 * usable as tools), and every credential type it lists.
 */
export async function listedTypes(
	api: TypesApi,
): Promise<{ nodes: string[]; credentials: string[] }> {
	const nodes = ((await api.getJson('/types/nodes.json')) as Array<{ name: string }>)
		.map((node) => node.name)
		.filter((name) => name.startsWith(`${PACKAGE}.`) && !name.endsWith('Tool'))
		.sort();
	const credentials = (
		(await api.getJson('/types/credentials.json')) as Array<{ name: string }>
	).map((credential) => credential.name);
	return { nodes, credentials };
}
