import type { IDataObject, INode } from 'n8n-workflow';

import { isObject } from '../../credentials/shared/text';
import { inputError } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The length of a text as the APIs count it: in Unicode code points (Python's `len`, which
 * Pydantic's max_length uses), not in JavaScript's UTF-16 units, where an emoji counts twice.
 */
export function characterCount(text: string): number {
	let count = 0;
	for (let index = 0; index < text.length; index++) {
		const unit = text.charCodeAt(index);
		// A high surrogate followed by a low one is one code point (an emoji, say).
		if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
			const next = text.charCodeAt(index + 1);
			if (next >= 0xdc00 && next <= 0xdfff) index++;
		}
		count++;
	}
	return count;
}

/** JSON nested deeper than this is refused before it reaches code that recurses over it. */
export const MAX_JSON_DEPTH = 64;

/** How deeply a parsed JSON value nests (without recursion, so any depth is safe to measure). */
function jsonDepth(value: unknown): number {
	let deepest = 0;
	const stack: Array<[unknown, number]> = [[value, 0]];
	while (stack.length) {
		const [current, depth] = stack.pop()!;
		if (typeof current !== 'object' || current === null) continue;
		deepest = Math.max(deepest, depth + 1);
		if (deepest > MAX_JSON_DEPTH) return deepest;
		for (const child of Object.values(current as object)) stack.push([child, depth + 1]);
	}
	return deepest;
}

/**
 * Checks that run before any request is sent. Each failure names the field, the rule and
 * the value's actual size, so the user can fix the input without reading API docs.
 */
export class Validator {
	constructor(
		private readonly node: INode,
		private readonly itemIndex: number,
	) {}

	fail(message: string, description?: string): never {
		throw inputError(this.node, message, this.itemIndex, description);
	}

	required(value: unknown, field: string): void {
		if (
			value === undefined ||
			value === null ||
			(typeof value === 'string' && value.trim() === '')
		) {
			this.fail(`"${field}" is required`);
		}
	}

	uuid(value: unknown, field: string): void {
		if (value === undefined || value === null || value === '') return;
		if (typeof value !== 'string' || !UUID.test(value.trim())) {
			this.fail(
				`"${field}" must be a UUID (like 3fa85f64-5717-4562-b3fc-2c963f66afa6), got "${String(value)}"`,
			);
		}
	}

	/** A limit in characters, counted as the API counts them (code points). */
	maxLength(value: string | undefined, field: string, max: number): void {
		// Cheap first: a text can have no more code points than UTF-16 units.
		if (value === undefined || value.length <= max) return;
		const count = characterCount(value);
		if (count > max) this.fail(`"${field}" is ${count} characters long; the limit is ${max}`);
	}

	maxCount(values: unknown[] | undefined, field: string, max: number): void {
		if (values && values.length > max) {
			this.fail(`"${field}" has ${values.length} entries; the limit is ${max}`);
		}
	}

	oneOf(value: string, field: string, allowed: readonly string[]): void {
		if (!allowed.includes(value)) {
			this.fail(`"${field}" must be one of ${allowed.join(', ')}, got "${value}"`);
		}
	}

	/** A JSON parameter as given: a string is parsed; the error names the field. */
	private parseJson(value: unknown, field: string): unknown {
		let parsed = value;
		if (typeof value === 'string') {
			try {
				parsed = JSON.parse(value);
			} catch (error) {
				this.fail(`"${field}" is not valid JSON: ${(error as Error).message}`);
			}
		}
		if (jsonDepth(parsed) > MAX_JSON_DEPTH) {
			this.fail(
				`"${field}" is nested more than ${MAX_JSON_DEPTH} levels deep`,
				'Flatten the JSON: no field of the API needs such depth.',
			);
		}
		return parsed;
	}

	/** A JSON parameter: accepts an object, or a string that parses to one. */
	jsonObject(value: unknown, field: string): IDataObject {
		if (value === undefined || value === null || value === '') return {};
		const parsed = this.parseJson(value, field);
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
			this.fail(`"${field}" must be a JSON object`);
		}
		return parsed as IDataObject;
	}

	/**
	 * A JSON array parameter: accepts an array, or a string that parses to one. With
	 * `objects`, every entry must be a JSON object (the error names the entry).
	 */
	jsonArray(value: unknown, field: string, options: { objects?: boolean } = {}): IDataObject[] {
		if (value === undefined || value === null || value === '') return [];
		const parsed = this.parseJson(value, field);
		if (!Array.isArray(parsed)) this.fail(`"${field}" must be a JSON array`);
		if (options.objects) {
			(parsed as unknown[]).forEach((entry, index) => {
				if (!isObject(entry)) {
					const got = entry === null ? 'null' : Array.isArray(entry) ? 'a list' : typeof entry;
					this.fail(`"${field}" entry ${index + 1} must be a JSON object, got ${got}`);
				}
			});
		}
		return parsed as IDataObject[];
	}

	/** Metadata as the Assistants wire format limits it: pairs, key length and value length. */
	metadata(
		value: IDataObject,
		field: string,
		limits: { pairs: number; key: number; value: number },
	) {
		const entries = Object.entries(value);
		if (entries.length > limits.pairs) {
			this.fail(`"${field}" has ${entries.length} pairs; the limit is ${limits.pairs}`);
		}
		for (const [key, entry] of entries) {
			const keyLength = characterCount(key);
			if (keyLength > limits.key) {
				this.fail(
					`"${field}" key "${key.slice(0, 20)}…" is ${keyLength} characters; the limit is ${limits.key}`,
				);
			}
			const text = typeof entry === 'string' ? entry : JSON.stringify(entry);
			const valueLength = characterCount(text);
			if (valueLength > limits.value) {
				this.fail(
					`"${field}" value of "${key}" is ${valueLength} characters; the limit is ${limits.value}`,
				);
			}
		}
	}
}

/** A comma-separated list parameter (or an array) as trimmed strings, empty entries dropped. */
export function splitList(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
	return parts.map((part) => part.trim()).filter(Boolean);
}

/** Merges user-supplied JSON into a request body; nested objects are merged, not replaced. */
export function mergeBody(base: IDataObject, extra: IDataObject): IDataObject {
	const merged: IDataObject = { ...base };
	for (const [key, value] of Object.entries(extra)) {
		const current = merged[key];
		merged[key] = isObject(current) && isObject(value) ? mergeBody(current, value) : value;
	}
	return merged;
}
