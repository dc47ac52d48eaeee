import type { IDataObject } from 'n8n-workflow';

import { resetSharedLimiters } from '../../nodes/shared/rate-limit';
import type { HaufeOptions, Sandbox } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import type { NodeRunResult, RunNodeOptions } from './n8n-harness';
import { runNode } from './n8n-harness';

export const API_KEY = 'sandbox-haufe-key';
export const LICENCE = 'LIC-4711';
export const USER_ID = '0b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';

export interface HaufeTestContext {
	sandbox: Sandbox;
	/** Runs the Haufe Copilot node with the given parameters against the sandbox. */
	run(
		parameters: IDataObject,
		options?: Omit<Partial<RunNodeOptions>, 'credentials'> & { credentials?: IDataObject },
	): Promise<NodeRunResult>;
	hr: string;
	tax: string;
}

/** One sandbox per test file: started before its tests, closed after, reset between tests. */
export function useHaufeSandbox(options: HaufeOptions = {}): HaufeTestContext {
	const context = {} as HaufeTestContext;
	beforeAll(async () => {
		context.sandbox = await startSandbox({
			port: 0,
			// Tests measure behaviour, not the documented budgets, unless they set their own.
			haufe: { rateLimits: null, streamChunkDelayMs: 2, fileProcessingMs: 40, ...options },
		});
		context.hr = context.sandbox.haufe.assistantIds.hr;
		context.tax = context.sandbox.haufe.assistantIds.tax;
		context.run = async (parameters, runOptions = {}) =>
			await runNode({
				type: 'haufeCopilot',
				parameters,
				...runOptions,
				credentials: {
					haufeCopilotApi: {
						apiKey: API_KEY,
						baseUrl: context.sandbox.haufe.baseUrl,
						licenceId: LICENCE,
						...(runOptions.credentials ?? {}),
					},
				},
			});
	});
	afterEach(() => {
		// The process-wide rate budgets outlive executions, as in n8n; each test starts afresh.
		resetSharedLimiters();
		context.sandbox.reset();
		context.sandbox.haufe.configure({
			rateLimits: null,
			streamChunkDelayMs: 2,
			fileProcessingMs: 40,
			...options,
		});
	});
	afterAll(async () => await context.sandbox?.close());
	return context;
}

export function locator(value: string) {
	return { __rl: true, mode: 'id', value };
}

/** The json of each output item. */
export function json(result: NodeRunResult): IDataObject[] {
	if (result.error) throw result.error;
	return result.items.map((item) => item.json);
}

/** Creates a thread with the given user messages straight in the sandbox API (test set-up). */
export async function seedThread(
	sandbox: Sandbox,
	assistantId: string,
	questions: string[] = [],
): Promise<string> {
	const headers = { 'api-key': API_KEY, 'content-type': 'application/json' };
	const thread = (await (
		await fetch(`${sandbox.haufe.baseUrl}/threads`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ assistant_id: assistantId, title: 'seeded' }),
		})
	).json()) as { id: string };
	for (const content of questions) {
		await fetch(`${sandbox.haufe.baseUrl}/threads/${thread.id}/messages`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ role: 'user', content }),
		});
	}
	return thread.id;
}

/** Parameters of Question › Ask with one question per item (`$json.question`). */
export function askParameters(
	assistantId: string,
	options: IDataObject = {},
	requestOptions?: IDataObject,
): IDataObject {
	return {
		resource: 'question',
		operation: 'ask',
		assistantId: locator(assistantId),
		question: '={{ $json.question }}',
		options,
		...(requestOptions ? { requestOptions } : {}),
	};
}
