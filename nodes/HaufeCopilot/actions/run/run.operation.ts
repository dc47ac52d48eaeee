import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { HaufeClient } from '../../transport';
import { runFields } from './fields';
import { runThread } from './helpers';

export const description = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['run'] } },
	runFields,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	return await runThread.call(this, itemIndex, client, false);
}
