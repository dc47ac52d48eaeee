import type { IDataObject } from 'n8n-workflow';

import { listIn } from '../../../shared/contracts';
import type { AgentChatClient } from '../../transport';

/** The docs say `name`, the app sends `label`: both become `label` (and `name`). */
export function normaliseModel(model: IDataObject): IDataObject {
	const label = model.label ?? model.name ?? model.id;
	return { ...model, label, name: model.name ?? label };
}

export async function listModels(
	client: AgentChatClient,
	itemIndex?: number,
): Promise<IDataObject[]> {
	const response = await client.call<IDataObject>('POST', '/api/models', {
		itemIndex,
		idempotent: true,
		expect: listIn('models', 'the list of models'),
	});
	return (response.models as IDataObject[]).map(normaliseModel);
}
