import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OperationMap } from '../../shared/router';
import { executeOperation } from '../../shared/router';
import type { AgentChatClient } from '../transport';
import { AGENT_CHAT_CLIENT } from '../transport';
import * as file from './file';
import * as model from './model';
import * as run from './run';
import * as thread from './thread';

export const resources = { file, model, run, thread };

export const operations: OperationMap<AgentChatClient> = Object.fromEntries(
	Object.entries(resources).map(([name, resource]) => [name, resource.operations]),
);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await executeOperation.call(this, operations, AGENT_CHAT_CLIENT);
}
