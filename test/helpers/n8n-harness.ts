/**
 * Runs this package's nodes through n8n-core's real execution engine (`WorkflowExecute`):
 * real parameter resolution (including `={{ }}` expressions), the real execution context,
 * real credential authentication and real HTTP. Only the parts that n8n's server would
 * normally provide (where node and credential types come from, where credentials are
 * stored) are supplied here, in the spirit of n8n's own `nodes-testing` harness.
 */
import {
	ExecuteContext,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PollContext,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeListSearchResult,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	createEmptyRunExecutionData,
	createRunExecutionData,
	ICredentialsHelper,
	isExpression,
	NodeConnectionTypes,
	Workflow,
} from 'n8n-workflow';

import { PACKAGE } from './listed-types';
import { packageCredentialTypes, packageNodeTypes, packageToolTypes } from './package-types';

export { PACKAGE };

class PackageNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType>) {}

	getByName(type: string): INodeType {
		const nodeType = this.types[type];
		if (!nodeType) throw new Error(`Unknown node type ${type}`);
		return nodeType;
	}

	getByNameAndVersion(type: string): INodeType {
		return this.getByName(type);
	}

	getKnownTypes() {
		return {};
	}
}

/** Stands in for n8n's credential store: holds decrypted data in memory, by type. */
export class InMemoryCredentialsHelper extends ICredentialsHelper {
	/** Credential data as the credential's `preAuthentication` left it (n8n persists this). */
	readonly updates: Array<{ type: string; data: ICredentialDataDecryptedObject }> = [];

	constructor(
		private readonly credentialTypes: Record<string, ICredentialType>,
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	private type(name: string): ICredentialType {
		const type = this.credentialTypes[name];
		if (!type) throw new Error(`Unknown credential type ${name}`);
		return type;
	}

	getParentTypes(): string[] {
		return [];
	}

	getCredentialsProperties(type: string) {
		return this.type(type).properties;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		// n8n fills in the defaults of properties the user left untouched.
		const defaults: ICredentialDataDecryptedObject = {};
		for (const property of this.type(type).properties) {
			if (property.default !== undefined) defaults[property.name] = property.default as string;
		}
		return { ...defaults, ...(this.data[type] ?? {}) };
	}

	/** Same rules as n8n's CredentialsHelper: a function, or generic properties with expressions. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.type(typeName);
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!workflow || !node) throw new Error('Declarative authentication needs workflow and node');
		const resolve = (value: string) =>
			isExpression(value)
				? String(
						workflow.expression.getSimpleParameterValue(
							node,
							value,
							'internal',
							{ $credentials: credentials } as IDataObject,
							undefined,
							'',
						) ?? '',
					)
				: value;
		const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
		for (const [target, entries] of Object.entries(authenticate.properties)) {
			options[target] = options[target] ?? {};
			for (const [key, value] of Object.entries(entries as Record<string, string>)) {
				options[target][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	/** Same trigger as n8n: an empty or expired `expirable` hidden property. */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		const updated = { ...credentials, ...output } as ICredentialDataDecryptedObject;
		this.data[typeName] = updated;
		this.updates.push({ type: typeName, data: updated });
		return Object.assign(credentials, updated);
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('Not used by these nodes');
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getOAuth2Options() {
		return undefined;
	}

	isCredentialUsableByNode() {
		return true;
	}
}

export interface StreamedChunk {
	type: string;
	content?: string;
	itemIndex: number;
	at: number;
}

export interface RunNodeOptions {
	/**
	 * Node type name without the package prefix, e.g. `haufeCopilot`; with "Tool" appended
	 * (`haufeCopilotTool`) the tool variant n8n derives, whose `$fromAI()` arguments are read
	 * from the input item's json, as n8n passes a tool call's arguments.
	 */
	type: string;
	parameters: IDataObject;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	input?: IDataObject[];
	/** Full input items (with binary data), instead of `input`. */
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	/** n8n's "On Error" setting; `continueOnFail` is short for `continueRegularOutput`. */
	onError?: INode['onError'];
	/** n8n's "Retry On Fail" node settings. */
	retry?: { maxTries?: number; waitBetweenTries?: number };
	/** Run as a webhook execution whose response is streamed: enables `isStreaming()`. */
	streaming?: boolean;
	mode?: WorkflowExecuteMode;
	/** The workflow's static data as n8n persisted it (pollers keep their cursor there). */
	staticData?: IDataObject;
	/** Lets a test cancel the execution, as the editor's stop button does. */
	onStart?: (cancel: () => void) => void;
	/** Node types besides the package's (e.g. the throwaway node of a credential test). */
	extraNodeTypes?: Record<string, INodeType>;
}

export interface NodeRunResult {
	/** Items of the node's first output. */
	items: INodeExecutionData[];
	/** Items of every output (with "Continue (using error output)", the last is the error output). */
	outputs: INodeExecutionData[][];
	/** The node error, when the node failed. */
	error?: Error & { description?: string; httpCode?: string | null };
	chunks: StreamedChunk[];
	run: IRun;
	credentialsHelper: InMemoryCredentialsHelper;
}

const NODE_NAME = 'Node under test';

let executionCount = 0;

interface Setup {
	node: INode;
	workflow: Workflow;
	hooks: ExecutionLifecycleHooks;
	additionalData: IWorkflowExecuteAdditionalData;
	credentialsHelper: InMemoryCredentialsHelper;
	mode: WorkflowExecuteMode;
}

/** What n8n's server would provide around one node: workflow, hooks, credentials, URLs. */
function setUp(options: RunNodeOptions): Setup {
	const nodeTypes = new PackageNodeTypes({
		...packageNodeTypes(),
		...packageToolTypes(),
		...(options.extraNodeTypes ?? {}),
	});
	const credentialsHelper = new InMemoryCredentialsHelper(packageCredentialTypes(), {
		...options.credentials,
	} as Record<string, ICredentialDataDecryptedObject>);
	const node: INode = {
		id: 'b0e4b1d2-0000-4000-8000-000000000001',
		name: NODE_NAME,
		type: `${PACKAGE}.${options.type}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters as INode['parameters'],
		credentials: Object.fromEntries(
			Object.keys(options.credentials).map((name) => [name, { id: `${name}-id`, name }]),
		),
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		...(options.onError ? { onError: options.onError } : {}),
		...(options.retry
			? {
					retryOnFail: true,
					maxTries: options.retry.maxTries ?? 3,
					waitBetweenTries: options.retry.waitBetweenTries ?? 0,
				}
			: {}),
	};
	const workflow = new Workflow({
		id: 'test-workflow',
		nodes: [node],
		connections: {},
		nodeTypes,
		active: false,
		settings: {},
		staticData: options.staticData ? structuredClone(options.staticData) : undefined,
	});

	const mode = options.mode ?? (options.streaming ? 'webhook' : 'manual');
	// Each run is its own execution, as in n8n, where execution IDs are never reused.
	const executionId = `test-execution-${++executionCount}`;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, {
		id: 'test-workflow',
		name: 'test',
		active: false,
		isArchived: false,
		nodes: [node],
		connections: {},
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);

	const additionalData = {
		executionId,
		hooks,
		credentialsHelper,
		streamingEnabled: options.streaming === true,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
		variables: {},
		logAiEvent: () => {},
		executeWorkflow: async () => {
			throw new Error('not supported');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: async () => {
			throw new Error('not supported');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	return { node, workflow, hooks, additionalData, credentialsHelper, mode };
}

/** Runs a list-search method (resource locator) as the editor does, through n8n-core's LoadOptionsContext. */
export async function runListSearch(
	options: RunNodeOptions & { method: string; filter?: string; paginationToken?: string },
): Promise<INodeListSearchResult> {
	const { node, workflow, additionalData } = setUp(options);
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters');
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const method = nodeType.methods?.listSearch?.[options.method];
	if (!method) throw new Error(`No list search method ${options.method}`);
	return await method.call(context, options.filter, options.paginationToken);
}

export interface PollResult {
	items: INodeExecutionData[];
	/** The static data n8n would persist after this poll (a deep copy). */
	staticData: IDataObject;
	error?: Error;
}

/** One poll of a polling trigger through n8n-core's PollContext, as n8n's poll scheduler runs it. */
export async function runPoll(options: RunNodeOptions): Promise<PollResult> {
	const { node, workflow, additionalData } = setUp({ ...options, mode: options.mode ?? 'trigger' });
	const context = new PollContext(
		workflow,
		node,
		additionalData,
		options.mode ?? 'trigger',
		'init',
	);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	let items: INodeExecutionData[] = [];
	let error: Error | undefined;
	try {
		items = (await nodeType.poll!.call(context))?.[0] ?? [];
	} catch (caught) {
		error = caught as Error;
	}
	// n8n stores static data as JSON: a round trip is exactly what survives a restart.
	return {
		items,
		error,
		staticData: JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject,
	};
}

export async function runNode(options: RunNodeOptions): Promise<NodeRunResult> {
	const { node, workflow, hooks, additionalData, credentialsHelper, mode } = setUp(options);
	const chunks: StreamedChunk[] = [];
	if (options.streaming) {
		hooks.addHandler('sendChunk', (chunk) => {
			chunks.push({
				type: chunk.type,
				content: chunk.content,
				itemIndex: chunk.metadata.itemIndex,
				at: Date.now(),
			});
		});
	}
	let resolveFinished: (run: IRun) => void = () => {};
	const finished = new Promise<IRun>((resolve) => (resolveFinished = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveFinished(run));

	const input = options.items ?? (options.input ?? [{}]).map((json) => ({ json }));
	const runExecutionData: IRunExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node, data: { main: [input] }, source: null }] },
	});

	const execution = new WorkflowExecute(additionalData, mode, runExecutionData);
	const running = execution.processRunExecutionData(workflow);
	options.onStart?.(() => running.cancel());
	try {
		await running;
	} catch {
		// A cancelled execution rejects here; its run data still arrives through the hook.
	}
	const run = await finished;
	const task = run.data.resultData.runData[NODE_NAME]?.[0];
	const outputs = (task?.data?.main ?? []).map((output) => output ?? []);
	return {
		items: outputs[0] ?? [],
		outputs,
		error: (task?.error ?? run.data.resultData.error) as NodeRunResult['error'],
		chunks,
		run,
		credentialsHelper,
	};
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
	credentialsHelper: InMemoryCredentialsHelper;
}

/**
 * Tests a credential as the editor's "Test" button does, following n8n's
 * `CredentialsTester.runRequestTest` (packages/cli, which n8n-core does not ship): the
 * credential's test request becomes the routing of a throwaway node that n8n-core's
 * `RoutingNode` runs, through `httpRequestWithAuthentication` with the credential's
 * `preAuthentication` and `authenticate`; the test's rules then read the answer.
 */
export async function runCredentialTest(
	type: string,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	const test = packageCredentialTypes()[type]?.test as ICredentialTestRequest | undefined;
	if (!test) throw new Error(`The credential ${type} has no test request`);
	const nodeType: INodeType = {
		description: {
			displayName: 'Temp',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: type, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: test.request },
					default: '',
				},
			],
		},
	};
	const { node, workflow, additionalData, credentialsHelper } = setUp({
		type: 'credentialTest',
		parameters: {},
		credentials: { [type]: data },
		extraNodeTypes: { [`${PACKAGE}.credentialTest`]: nodeType },
	});
	const credentialsDecrypted = {
		id: `${type}-id`,
		name: type,
		type,
		data: await credentialsHelper.getDecrypted(
			additionalData,
			{ id: `${type}-id`, name: type },
			type,
		),
	};
	const inputData = { main: [[{ json: {} }]] };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createEmptyRunExecutionData(),
		0,
		[],
		inputData,
		{ node, data: {}, source: null },
		[],
	);
	const rules = (test.rules ?? []) as Array<{
		type: string;
		properties: { value?: unknown; key?: string; message: string };
	}>;
	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await new RoutingNode(context, nodeType, credentialsDecrypted).runNode();
	} catch (caught) {
		const error = caught as Error & {
			cause?: { code?: string; response?: { status: number; statusText?: string } };
		};
		const failed = error.cause?.response;
		if (failed) {
			const rule = rules.find(
				(entry) => entry.type === 'responseCode' && entry.properties.value === failed.status,
			);
			if (rule) return { status: 'Error', message: rule.properties.message, credentialsHelper };
			if (failed.status < 199 || failed.status > 299) {
				return {
					status: 'Error',
					message: failed.statusText || `Received HTTP status code: ${failed.status}`,
					credentialsHelper,
				};
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code, credentialsHelper };
		}
		return { status: 'Error', message: error.message, credentialsHelper };
	}
	const body = response?.[0]?.[0]?.json as IDataObject | undefined;
	for (const rule of rules) {
		// lodash's get, as n8n reads the key: a dotted path.
		const value = String(rule.properties.key)
			.split('.')
			.reduce<unknown>(
				(current, key) =>
					current !== null && typeof current === 'object'
						? (current as Record<string, unknown>)[key]
						: undefined,
				body,
			);
		if (rule.type === 'responseSuccessBody' && value === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message, credentialsHelper };
		}
	}
	return { status: 'OK', message: 'Connection successful!', credentialsHelper };
}
