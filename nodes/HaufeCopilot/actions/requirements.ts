import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { isObject } from '../../../credentials/shared/text';
import { inputError } from '../../shared/errors';
import { checkId } from '../../shared/parameters';
import type { HaufeClient } from '../transport';

/**
 * What an assistant requires of a run's `meta_data`, checked before anything is created or
 * asked. An assistant says it in `request_required_fields` (api-notes section 1), e.g.
 * `{"__root__": ["user_data"], "user_data": ["licence"]}`: each key names an object inside
 * `meta_data` ("__root__" is `meta_data` itself, dots for nesting), each value the fields that
 * object must carry. The API refuses a run without them (422
 * request_metadata_missing_or_incomplete) only after Ask created a thread and posted the
 * question; read first, a batch with a missing setting creates nothing.
 */

/** Where the node and its credential set each meta_data field they can set. */
interface FieldSetting {
	node: string;
	credential?: string;
}

const SETTINGS: Record<string, FieldSetting> = {
	'meta_data.user_data.licence': { node: 'Licence ID', credential: 'Default Licence ID' },
};

/** Where the operation takes extra JSON for the body, for fields the node does not model. */
export interface RequirementFields {
	/** The display name of the extra JSON field, e.g. "Options > Additional Body (JSON)". */
	extraJson: string;
}

const isBlank = (value: unknown) => value === undefined || value === null || value === '';

/**
 * The first field `required` (an assistant's request_required_fields) asks for that `metaData`
 * lacks, as a path such as "meta_data.user_data.licence"; undefined when nothing is missing.
 * A declaration of another shape than the documented one requires nothing here: the API
 * remains the judge of it.
 */
export function missingMetaData(required: unknown, metaData: unknown): string | undefined {
	if (!isObject(required)) return undefined;
	// Inner objects first: without user_data the field to set is still its licence.
	const depth = (path: string) => (path === '__root__' ? 0 : path.split('.').length);
	const entries = Object.entries(required).sort(([a], [b]) => depth(b) - depth(a));
	for (const [objectPath, fields] of entries) {
		if (!Array.isArray(fields)) continue;
		const parts = objectPath === '__root__' ? [] : objectPath.split('.');
		const target = parts.reduce<unknown>(
			(value, key) => (isObject(value) ? value[key] : undefined),
			metaData,
		);
		for (const field of fields) {
			if (typeof field !== 'string') continue;
			if (!isObject(target) || isBlank(target[field])) {
				return ['meta_data', ...parts, field].join('.');
			}
		}
	}
	return undefined;
}

/** The example JSON that sets `path` ("meta_data.user_data.x") through the extra JSON field. */
function exampleJson(path: string): string {
	const example = path
		.split('.')
		.reverse()
		.reduce<unknown>((inner, key) => ({ [key]: inner }), '…');
	return JSON.stringify(example);
}

/**
 * Refuses the item, before any request of its own, when the assistant requires a meta_data
 * field the request body lacks. The assistant is read once per execution (HaufeClient.assistant);
 * if that read fails, its error is the item's error. An assistant that declares no requirement
 * changes nothing.
 */
export async function requireMetaData(
	this: IExecuteFunctions,
	client: HaufeClient,
	itemIndex: number,
	assistantId: string,
	body: IDataObject,
	fields: RequirementFields,
): Promise<void> {
	const assistant = await client.assistant(
		checkId(this.getNode(), itemIndex, assistantId, 'Assistant'),
		itemIndex,
	);
	const missing = missingMetaData(assistant.request_required_fields, body.meta_data);
	if (!missing) return;
	const name = typeof assistant.name === 'string' && assistant.name ? assistant.name : assistantId;
	const setting = SETTINGS[missing];
	const where = setting
		? `Set "${setting.node}" on the node${setting.credential ? `, or "${setting.credential}" in the Haufe Copilot credential` : ''}.`
		: `Send it with "${fields.extraJson}", e.g. ${exampleJson(missing)}.`;
	throw inputError(
		this.getNode(),
		`The assistant "${name}" requires ${missing}, and this item sets none`,
		itemIndex,
		`${where} The assistant declares it in request_required_fields; without it the API refuses the answer (422 request_metadata_missing_or_incomplete). Nothing was created or asked for this item.`,
	);
}
