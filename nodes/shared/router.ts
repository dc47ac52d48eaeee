import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runBatch } from './batching';
import type { ClientRecipe } from './client-factory';
import { executeClient } from './client-factory';
import { isInputError } from './errors';
import { NodeRunProgress, progressOf } from './progress';
import { runsAsTool } from './tool';
import { ExecutionCancelledError } from './wait';

/** One operation of one resource: its fields, and what it does for one input item. */
export interface Operation<Client> {
	description: INodeProperties[];
	execute(
		this: IExecuteFunctions,
		itemIndex: number,
		client: Client,
	): Promise<IDataObject | IDataObject[]>;
	/** Items processed at once; operations that do not say run one item at a time. */
	concurrency?(this: IExecuteFunctions): number;
}

export type OperationMap<Client> = Record<string, Record<string, Operation<Client>>>;

/**
 * A failed item under "Continue On Fail". Its json holds only `error` (the message) and
 * `details` (advice, HTTP code, what was already done, e.g. the created thread): n8n's engine
 * sends such an item to the error output under "Continue (using error output)", and keeps it
 * on the main output under "Continue (regular output)". (An item with `error` set beside
 * its json would be routed too, but n8n then replaces its json with the bare message.)
 */
/**
 * A tool's refusal of its input (an empty question, before any request) is its answer to the
 * model, which can call again with what is missing. Thrown, n8n would also stream an error line
 * of the tool node into the chat, which its chat page shows as "Error: Unknown error".
 */
function answersRefusal(context: IExecuteFunctions, error: Error): boolean {
	return runsAsTool(context) && isInputError(error);
}

function errorItem(error: Error, itemIndex: number): INodeExecutionData {
	const described = error as Error & { description?: string; httpCode?: string | null };
	const details: IDataObject = {
		...(described.description ? { description: described.description } : {}),
		...(described.httpCode ? { httpCode: described.httpCode } : {}),
		...progressOf(error),
	};
	return {
		json: { error: error.message, ...(Object.keys(details).length ? { details } : {}) },
		pairedItem: { item: itemIndex },
	};
}

/**
 * The `execute` of every action node: picks the operation, runs it over the input items
 * (in parallel where the operation allows), keeps output in input order with `pairedItem`,
 * turns failures into error items under "Continue On Fail", and under "Retry On Fail" reuses
 * what an earlier try of this execution finished (see progress.ts).
 */
export async function executeOperation<Client>(
	this: IExecuteFunctions,
	operations: OperationMap<Client>,
	recipe: ClientRecipe<Client>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = operations[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" of "${resource}" is not supported`,
		);
	}
	const client = await executeClient(this, recipe);
	const continueOnFail = this.continueOnFail();
	const concurrency = operation.concurrency?.call(this) ?? 1;
	const runProgress = NodeRunProgress.beginTry(this);

	const outcomes = await runBatch(
		this,
		items.length,
		async (itemIndex) => {
			const earlier = runProgress.result(itemIndex);
			if (earlier !== undefined) return earlier;
			const result = await operation.execute.call(this, itemIndex, client);
			runProgress.saveResult(itemIndex, result);
			return result;
		},
		{ concurrency, continueOnFail },
	).catch((error) => {
		runProgress.close();
		if (error instanceof ExecutionCancelledError) {
			throw new NodeOperationError(this.getNode(), 'The execution was cancelled');
		}
		throw error;
	});

	const output: INodeExecutionData[] = [];
	const done = outcomes.filter((outcome) => outcome?.ok).length;
	if (done === items.length || runProgress.lastTry) runProgress.close();
	// n8n retries a node only when it throws, or when its *first* item is an error item: under
	// "Continue On Fail" a later failed item would never be retried. So while a retry is still
	// to come, a failure that may pass (not bad input) fails this try; the retry reuses every
	// finished item and redoes only the failed ones. The last try outputs the error items.
	const retryable =
		continueOnFail && !runProgress.lastTry
			? outcomes.find((outcome) => outcome && !outcome.ok && !isInputError(outcome.error))
			: undefined;
	if (retryable && !retryable.ok) {
		const error = retryable.error as Error & { description?: string };
		error.description = [
			error.description,
			`${done} of ${items.length} items succeeded and are kept; n8n retries the others.`,
		]
			.filter(Boolean)
			.join(' ');
		throw error;
	}
	for (let itemIndex = 0; itemIndex < outcomes.length; itemIndex++) {
		const outcome = outcomes[itemIndex];
		if (!outcome) continue;
		if (!outcome.ok) {
			if (continueOnFail || answersRefusal(this, outcome.error)) {
				output.push(errorItem(outcome.error, itemIndex));
				continue;
			}
			const error = outcome.error as Error & { description?: string; context?: IDataObject };
			const progress = progressOf(error);
			const notes = [
				error.description,
				Object.keys(progress).length ? `Done before the failure: ${JSON.stringify(progress)}.` : '',
				items.length > 1
					? `${done} of ${items.length} items had succeeded; turn on "Continue On Fail" to keep their results.`
					: '',
			].filter(Boolean);
			if (notes.length) error.description = notes.join(' ');
			throw error;
		}
		const values = Array.isArray(outcome.value) ? outcome.value : [outcome.value];
		for (const json of values) output.push({ json, pairedItem: { item: itemIndex } });
	}
	return [output];
}
