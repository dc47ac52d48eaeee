import type { IDataObject, INode } from 'n8n-workflow';

import { inputError } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
		if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
			this.fail(`"${field}" is required`);
		}
	}

	uuid(value: unknown, field: string): void {
		if (value === undefined || value === null || value === '') return;
		if (typeof value !== 'string' || !UUID.test(value.trim())) {
			this.fail(`"${field}" must be a UUID (like 3fa85f64-5717-4562-b3fc-2c963f66afa6), got "${String(value)}"`);
		}
	}

	maxLength(value: string | undefined, field: string, max: number): void {
		if (value !== undefined && value.length > max) {
			this.fail(`"${field}" is ${value.length} characters long; the limit is ${max}`);
		}
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

	/** A JSON parameter: accepts an object, or a string that parses to one. */
	jsonObject(value: unknown, field: string): IDataObject {
		if (value === undefined || value === null || value === '') return {};
		let parsed = value;
		if (typeof value === 'string') {
			try {
				parsed = JSON.parse(value);
			} catch (error) {
				this.fail(`"${field}" is not valid JSON: ${(error as Error).message}`);
			}
		}
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
			this.fail(`"${field}" must be a JSON object`);
		}
		return parsed as IDataObject;
	}

	/** A JSON array parameter: accepts an array, or a string that parses to one. */
	jsonArray(value: unknown, field: string): IDataObject[] {
		if (value === undefined || value === null || value === '') return [];
		let parsed = value;
		if (typeof value === 'string') {
			try {
				parsed = JSON.parse(value);
			} catch (error) {
				this.fail(`"${field}" is not valid JSON: ${(error as Error).message}`);
			}
		}
		if (!Array.isArray(parsed)) this.fail(`"${field}" must be a JSON array`);
		return parsed as IDataObject[];
	}

	/** Metadata as the Assistants wire format limits it: pairs, key length and value length. */
	metadata(value: IDataObject, field: string, limits: { pairs: number; key: number; value: number }) {
		const entries = Object.entries(value);
		if (entries.length > limits.pairs) {
			this.fail(`"${field}" has ${entries.length} pairs; the limit is ${limits.pairs}`);
		}
		for (const [key, entry] of entries) {
			if (key.length > limits.key) {
				this.fail(`"${field}" key "${key.slice(0, 20)}…" is ${key.length} characters; the limit is ${limits.key}`);
			}
			const text = typeof entry === 'string' ? entry : JSON.stringify(entry);
			if (text.length > limits.value) {
				this.fail(`"${field}" value of "${key}" is ${text.length} characters; the limit is ${limits.value}`);
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
		const bothObjects =
			typeof current === 'object' && current !== null && !Array.isArray(current) &&
			typeof value === 'object' && value !== null && !Array.isArray(value);
		merged[key] = bothObjects ? mergeBody(current as IDataObject, value as IDataObject) : value;
	}
	return merged;
}
