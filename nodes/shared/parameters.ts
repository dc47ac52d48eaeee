import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { inputError } from './errors';

/**
 * Checks an ID before it is sent, naming the field: empty and whitespace-only IDs are refused,
 * and so are `.` and `..`, which URL resolution would apply as path steps (a Message ID `..`
 * would turn "delete this message" into "delete the whole thread"). Returns the ID, trimmed.
 */
export function checkId(node: INode, itemIndex: number, value: unknown, label: string): string {
	const id = String(value ?? '').trim();
	if (id === '') throw inputError(node, `"${label}" is required`, itemIndex);
	if (id === '.' || id === '..') {
		throw inputError(
			node,
			`"${label}" must be an ID, got "${id}"`,
			itemIndex,
			'An ID cannot be "." or "..": those are path steps, not names.',
		);
	}
	return id;
}

/** A checked ID as exactly one encoded path segment: nothing in it can reach another path. */
export function segment(node: INode, itemIndex: number, value: unknown, label: string): string {
	return encodeURIComponent(checkId(node, itemIndex, value, label));
}

/**
 * An ID parameter, plain or a resource locator (whichever mode the user picked), trimmed.
 * With a label it is required and checked (see checkId), and errors name that label; without
 * one it is optional, and an empty value is returned as ''.
 */
export function readId(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
	requiredLabel?: string,
): string {
	const value = String(
		context.getNodeParameter(name, itemIndex, '', { extractValue: true }) ?? '',
	).trim();
	if (requiredLabel) return checkId(context.getNode(), itemIndex, value, requiredLabel);
	return value;
}

/** A required ID as one encoded path segment. */
export function pathId(
	context: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
): string {
	return segment(context.getNode(), itemIndex, readId(context, name, itemIndex), label);
}
