import type { IDataObject } from 'n8n-workflow';

import type { GriptapeOptions, Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import type { NodeRunResult, PollResult, RunNodeOptions } from './n8n-harness';
import { runNode, runPoll } from './n8n-harness';

export const GRIPTAPE_KEY = 'sandbox-griptape-key';

export interface GriptapeTestContext {
	sandbox: Sandbox;
	run(
		parameters: IDataObject,
		options?: Omit<Partial<RunNodeOptions>, 'credentials'> & { credentials?: IDataObject },
	): Promise<NodeRunResult>;
	poll(
		parameters: IDataObject,
		staticData?: IDataObject,
		mode?: 'trigger' | 'manual',
	): Promise<PollResult>;
	/** The first seeded assistant. */
	assistantId: string;
	/** Creates a run straight in the sandbox, as another client would. */
	createRun(input: string, body?: IDataObject): IDataObject;
}

/** One sandbox per test file: started before its tests, closed after, reset between tests. */
export function useGriptapeSandbox(options: GriptapeOptions = {}): GriptapeTestContext {
	const context = {} as GriptapeTestContext;
	// Every option a test may change is set back after each test (reset() keeps options).
	const defaults = { runStepMs: 5, tokenDelayMs: 2, maxPageSize: 100, ...options };
	const credentials = () => ({
		griptapeCloudApi: { apiKey: GRIPTAPE_KEY, baseUrl: griptape().baseUrl },
	});
	const griptape = () => context.sandbox.griptape;
	beforeAll(async () => {
		context.sandbox = await startSandbox({ port: 0, griptape: defaults });
		context.assistantId = griptape().ids.assistants[0];
		context.createRun = (input, body = {}) =>
			griptape().createRun(context.assistantId, { input, ...body }) as unknown as IDataObject;
		context.run = async (parameters, runOptions = {}) =>
			await runNode({
				type: 'griptapeCloud',
				parameters,
				...runOptions,
				credentials: {
					griptapeCloudApi: {
						...credentials().griptapeCloudApi,
						...(runOptions.credentials ?? {}),
					},
				},
			});
		context.poll = async (parameters, staticData, mode = 'trigger') =>
			await runPoll({
				type: 'griptapeCloudTrigger',
				parameters,
				credentials: credentials(),
				staticData,
				mode,
			});
	});
	afterEach(() => {
		context.sandbox.reset();
		griptape().configure(defaults);
	});
	afterAll(async () => await context.sandbox?.close());
	return context;
}
