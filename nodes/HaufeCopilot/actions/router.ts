import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OperationMap } from '../../shared/router';
import { executeOperation } from '../../shared/router';
import type { HaufeClient } from '../transport';
import { HAUFE_CLIENT } from '../transport';
import * as assistant from './assistant';
import * as chatCompletion from './chatCompletion';
import * as file from './file';
import * as message from './message';
import * as question from './question';
import * as run from './run';
import * as thread from './thread';

export const resources = { assistant, chatCompletion, file, message, question, run, thread };

export const operations: OperationMap<HaufeClient> = Object.fromEntries(
	Object.entries(resources).map(([name, resource]) => [name, resource.operations]),
);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executeOperation.call(this, operations, HAUFE_CLIENT);
}
