import { isObject } from '../../credentials/shared/text';
import { describeBody } from './errors';

/**
 * What an operation needs from a successful (2xx/3xx) response, stated with every request and
 * checked in one place (ApiClient): a response that is not what the operation needs is an
 * error naming the operation, the status and what came back, never a success. A 200 with a
 * proxy's block page, an empty body or `{}` cannot become an empty answer or an `undefined` ID.
 */

/** A field the operation reads: an ID it uses in the next request, the answer's text, a list, ... */
export type FieldRule = 'id' | 'string' | 'number' | 'boolean' | 'array' | 'object';

export type ResponseContract =
	/**
	 * A non-empty JSON object with these fields (others may be there too). A key `a|b` is met
	 * by either spelling (the docs of some APIs spell a field two ways).
	 */
	| { kind: 'object'; what: string; fields: Record<string, FieldRule> }
	/** A JSON array. */
	| { kind: 'array'; what: string }
	/** Nothing is read: an empty body or any JSON (a 204, a 202), but never a page or other text. */
	| { kind: 'nothing'; what: string }
	/** A body read as a stream (never an HTML page); its protocol decides when it is complete. */
	| { kind: 'stream'; what: string };

/** A JSON object with the fields the operation reads, e.g. `object('the thread', { id: 'id' })`. */
export function object(what: string, fields: Record<string, FieldRule> = {}): ResponseContract {
	return { kind: 'object', what, fields };
}

/** A JSON object holding a list under `key` (a page of a paged list). */
export function listIn(
	key: string,
	what = `a list of ${key}`,
	fields: Record<string, FieldRule> = {},
): ResponseContract {
	return { kind: 'object', what, fields: { [key]: 'array', ...fields } };
}

export function array(what: string): ResponseContract {
	return { kind: 'array', what };
}

export function nothing(what = 'an acknowledgement'): ResponseContract {
	return { kind: 'nothing', what };
}

export function stream(what: string): ResponseContract {
	return { kind: 'stream', what };
}

/** An ID that can go into the next request: a non-blank string that is not a dot segment, or a number. */
export function isUsableId(value: unknown): boolean {
	if (typeof value === 'number') return Number.isFinite(value);
	if (typeof value !== 'string') return false;
	const text = value.trim();
	return text !== '' && text !== '.' && text !== '..';
}

function fieldProblem(name: string, value: unknown, rule: FieldRule): string | undefined {
	if (value === undefined || value === null) return `"${name}" is missing`;
	switch (rule) {
		case 'id':
			return isUsableId(value)
				? undefined
				: `"${name}" is not a usable ID (${JSON.stringify(value).slice(0, 40)})`;
		case 'string':
			return typeof value === 'string' ? undefined : `"${name}" is not text`;
		case 'number':
			return typeof value === 'number' && Number.isFinite(value)
				? undefined
				: `"${name}" is not a number`;
		case 'boolean':
			return typeof value === 'boolean' ? undefined : `"${name}" is not true or false`;
		case 'array':
			return Array.isArray(value) ? undefined : `"${name}" is not a list`;
		case 'object':
			return isObject(value) ? undefined : `"${name}" is not an object`;
	}
}

/** Whether a media type (e.g. from Content-Type) is an HTML page. */
export function isHtmlMediaType(contentType: unknown): boolean {
	return /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(String(contentType ?? ''));
}

/**
 * Why `body` (as n8n's HTTP layer parsed it: JSON when it was JSON, else text) is not what the
 * contract asks for; undefined when it is.
 */
export function contractViolation(
	contract: ResponseContract,
	body: unknown,
	contentType?: string,
): string | undefined {
	switch (contract.kind) {
		case 'stream':
			return undefined;
		case 'nothing':
			if (isHtmlMediaType(contentType) || (typeof body === 'string' && body.trim() !== '')) {
				return `expected no content or JSON, got ${describeBody(body, contentType)}`;
			}
			return undefined;
		case 'array':
			return Array.isArray(body)
				? undefined
				: `expected a JSON list, got ${describeBody(body, contentType)}`;
		case 'object': {
			// An API never describes a thing, or answers a request, with an empty object.
			if (!isObject(body) || Object.keys(body).length === 0) {
				return `expected a JSON object, got ${describeBody(body, contentType)}`;
			}
			for (const [names, rule] of Object.entries(contract.fields)) {
				const spellings = names.split('|');
				const present =
					spellings.find((name) => body[name] !== undefined && body[name] !== null) ?? spellings[0];
				const problem = fieldProblem(present, body[present], rule);
				if (problem) return `${problem} in ${describeBody(body, contentType)}`;
			}
			return undefined;
		}
	}
}

/**
 * Whether a stream's Content-Type rules it out. Only a page is: the APIs' stream types are
 * unverified (NDJSON may come as JSON, raw text as SSE), so their protocols judge the rest.
 */
export function streamViolation(contract: ResponseContract, contentType: unknown): boolean {
	return contract.kind === 'stream' && isHtmlMediaType(contentType);
}
