import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * The fields of `source` named in `keys`, in that order; absent ones are left out. The
 * editor's table and JSON views show an item's keys in order, so the order is chosen too.
 */
export function pickFields(source: IDataObject, keys: readonly string[]): IDataObject {
	const picked: IDataObject = {};
	for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
	return picked;
}

/**
 * An operation's result with its "Simplify" parameter applied: on (n8n's default), each object
 * is reduced by `simplify`; off, the API's objects are returned as they came.
 */
export function simplified(
	context: IExecuteFunctions,
	itemIndex: number,
	result: IDataObject | IDataObject[],
	simplify: (json: IDataObject) => IDataObject,
): IDataObject | IDataObject[] {
	if (context.getNodeParameter('simplify', itemIndex, true) !== true) return result;
	return Array.isArray(result) ? result.map((json) => simplify(json)) : simplify(result);
}
