import type { IDataObject } from 'n8n-workflow';

// Small text helpers for every message the package writes. Here rather than in nodes/shared
// because the Agent Chat login (credentials/AgentChat/session.ts) words its errors with them too,
// and credentials import nothing from nodes/.

/** A JSON object: not null, not a list, not a Buffer (n8n hands binary bodies over as Buffers). */
export function isObject(value: unknown): value is IDataObject {
	return (
		typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value)
	);
}

/** Whitespace (line breaks included) collapsed to single spaces, so that a text stays on one line. */
export function oneLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

/** Text on one line, cut to `length` characters with an ellipsis. */
export function shorten(text: string, length: number): string {
	const line = oneLine(text);
	return line.length > length ? `${line.slice(0, length - 1).trimEnd()}…` : line;
}
