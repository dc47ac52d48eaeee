import type { IExecuteFunctions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { streamSourcesOption, withOption } from '../../../shared/sources';
import type { HaufeClient } from '../../transport';
import { chatFields } from './fields';
import { completeChat } from './helpers';

export const description = updateDisplayOptions(
	{ show: { resource: ['chatCompletion'], operation: ['stream'] } },
	withOption(chatFields, streamSourcesOption),
);

export async function execute(this: IExecuteFunctions, itemIndex: number, client: HaufeClient) {
	return await completeChat.call(this, itemIndex, client, true);
}
