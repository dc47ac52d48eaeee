import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { simplifyField } from '../../../shared/descriptions';
import { simplified } from '../../../shared/output';
import type { OpenAiThreadsClient } from '../../transport';
import { RUN_CONTRACT } from '../../transport';
import { runLocator, threadIdField } from '../fields';
import { runPath } from './fields';
import { simplifyRun } from './simplify';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['get'] } },
	[threadIdField, runLocator, simplifyField],
);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: OpenAiThreadsClient,
) {
	const run = await client.call<IDataObject>('GET', runPath(this, itemIndex), {
		itemIndex,
		expect: RUN_CONTRACT,
	});
	return simplified(this, itemIndex, run, simplifyRun);
}
