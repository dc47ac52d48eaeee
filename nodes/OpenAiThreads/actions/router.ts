import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OperationMap } from '../../shared/router';
import { executeOperation } from '../../shared/router';
import type { OpenAiThreadsClient } from '../transport';
import { OPENAI_THREADS_CLIENT } from '../transport';
import * as message from './message';
import * as run from './run';
import * as thread from './thread';

export const resources = { message, run, thread };

export const operations: OperationMap<OpenAiThreadsClient> = Object.fromEntries(
	Object.entries(resources).map(([name, resource]) => [name, resource.operations]),
);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executeOperation.call(this, operations, OPENAI_THREADS_CLIENT);
}
