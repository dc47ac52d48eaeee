import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OperationMap } from '../../shared/router';
import { executeOperation } from '../../shared/router';
import type { GriptapeClient } from '../transport';
import { GRIPTAPE_CLIENT } from '../transport';
import * as apiKey from './apiKey';
import * as assistant from './assistant';
import * as assistantRun from './assistantRun';
import * as event from './event';
import * as message from './message';
import * as thread from './thread';
import * as user from './user';

export const resources = { apiKey, assistant, assistantRun, event, message, thread, user };

export const operations: OperationMap<GriptapeClient> = Object.fromEntries(
	Object.entries(resources).map(([name, resource]) => [name, resource.operations]),
);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executeOperation.call(this, operations, GRIPTAPE_CLIENT);
}
