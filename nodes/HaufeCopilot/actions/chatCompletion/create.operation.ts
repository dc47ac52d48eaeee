import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { HaufeClient } from '../../transport';
import { chatFields } from './fields';
import { completeChat } from './helpers';

export const description = updateDisplayOptions(
	{ show: { resource: ['chatCompletion'], operation: ['create'] } },
	chatFields,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	return await completeChat.call(this, itemIndex, client, false);
}
