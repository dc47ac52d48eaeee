import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { Sandbox, SandboxOptions } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import type { NodeRunResult, RunNodeOptions } from './n8n-harness';
import { runNode } from './n8n-harness';

export interface NodeTestContext {
	sandbox: Sandbox;
	run(
		parameters: IDataObject,
		options?: Omit<Partial<RunNodeOptions>, 'credentials'> & { credentials?: IDataObject },
	): Promise<NodeRunResult>;
	/** The credential data as the tests use it by default. */
	credentials(): IDataObject;
}

/**
 * One sandbox per test file for one node type: started before the tests, reset after each,
 * closed after all. `credentials` builds the node's default credential from the sandbox.
 */
export function useNodeSandbox(
	type: string,
	credentialType: string,
	credentials: (sandbox: Sandbox) => IDataObject,
	options: SandboxOptions = {},
): NodeTestContext {
	const context = {} as NodeTestContext;
	beforeAll(async () => {
		context.sandbox = await startSandbox({ port: 0, ...options });
		context.credentials = () => credentials(context.sandbox);
		context.run = async (parameters, runOptions = {}) =>
			await runNode({
				type,
				parameters,
				...runOptions,
				credentials: {
					[credentialType]: {
						...context.credentials(),
						...(runOptions.credentials ?? {}),
					} as ICredentialDataDecryptedObject,
				},
			});
	});
	afterEach(() => context.sandbox.reset());
	afterAll(async () => await context.sandbox?.close());
	return context;
}
