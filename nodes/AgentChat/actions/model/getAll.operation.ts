import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listIn } from '../../../shared/contracts';
import type { AgentChatClient } from '../../transport';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['model'], operation: ['getAll'] } }, []);

/** The docs say `name`, the app sends `label`: both become `label` (and `name`). */
export function normaliseModel(model: IDataObject): IDataObject {
	const label = model.label ?? model.name ?? model.id;
	return { ...model, label, name: model.name ?? label };
}

export async function listModels(client: AgentChatClient, itemIndex?: number): Promise<IDataObject[]> {
	const response = await client.call<IDataObject>('POST', '/api/models', { itemIndex, idempotent: true, expect: listIn('models', 'the list of models') });
	return (response.models as IDataObject[]).map(normaliseModel);
}

export async function execute(this: IExecuteFunctions, itemIndex: number, client: AgentChatClient) {
	return await listModels(client, itemIndex);
}
