import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INode,
	INodeProperties,
} from 'n8n-workflow';

import { Validator } from './validation';

/**
 * The nodes as tools: of n8n's AI Agent (its *Tool* connector) or of the MCP Server Trigger.
 * n8n derives a tool variant of every `usableAsTool` node, named like the node with "Tool"
 * appended (`haufeCopilotTool`); the variant runs this package's code with the same parameters.
 * A parameter can differ between the two through the `@tool` display option, which n8n sets
 * from that name, as its own nodes do (Google Calendar, HTTP Request).
 */

/**
 * Whether this node runs as a tool: its type is the tool variant. An AI Agent and the MCP
 * Server Trigger both call the variant (the workflow holds it under that type), and none of this
 * package's own node types ends in "Tool".
 */
export function runsAsTool(context: { getNode(): INode }): boolean {
	return context.getNode().type.endsWith('Tool');
}

/** The argument of the model's question, the same in every tool of the package. */
export const QUESTION_KEY = 'question';

const TOOL_ONLY: IDisplayOptions = { show: { '@tool': [true] } };
// Hidden for tools rather than shown for non-tools: an n8n that does not know `@tool` still
// shows the node's own definition everywhere (and none of the tool's), as before.
const NOT_TOOL: IDisplayOptions = { hide: { '@tool': [true] } };

function withDisplay(property: INodeProperties, extra: IDisplayOptions): INodeProperties {
	const displayOptions: IDisplayOptions = { ...property.displayOptions };
	if (extra.show) displayOptions.show = { ...displayOptions.show, ...extra.show };
	if (extra.hide) displayOptions.hide = { ...displayOptions.hide, ...extra.hide };
	return { ...property, displayOptions };
}

/** A parameter that only the tool variant shows. */
export function toolOnly(property: INodeProperties): INodeProperties {
	return withDisplay(property, TOOL_ONLY);
}

/**
 * One parameter as the node has it, and again, under the same name, with what differs for the
 * tool variant (its default, above all). n8n shows and reads the one that matches: the node's
 * definition, default and stored values stay exactly as they were.
 */
export function nodeAndTool(
	property: INodeProperties,
	forTool: Partial<INodeProperties>,
): INodeProperties[] {
	return [withDisplay(property, NOT_TOOL), withDisplay({ ...property, ...forTool }, TOOL_ONLY)];
}

/**
 * An expression the model fills: n8n builds the tool's argument schema from `$fromAI()` calls.
 * With a default (`optional`), the argument is optional for the model and empty when left out.
 */
export function fromAi(key: string, description: string, optional = false): string {
	const quoted = description.replace(/\\/g, '\\\\').replace(/`/g, '\\`');
	return `={{ $fromAI('${key}', \`${quoted}\`, 'string'${optional ? ", ''" : ''}) }}`;
}

/**
 * The tool's description, what the model chooses the tool by. Where a node type defines it, n8n
 * adds no "Tool Description" of its own (whose automatic text is the operation's action, e.g.
 * "Ask a question in Haufe Copilot"); empty falls back to that automatic text.
 */
export function toolDescriptionField(text: string): INodeProperties {
	return toolOnly({
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 4 },
		default: text,
		description:
			'What the model reads to decide when to call this tool and what to pass. Empty uses the automatic description (the operation).',
	});
}

/**
 * The description field of the operations that have no description of their own: empty, so
 * n8n's automatic description (the operation's action) applies, as before.
 */
export function otherToolDescriptionField(show: Record<string, string[]>): INodeProperties {
	return toolOnly({
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description:
			'What the model reads to decide when to call this tool. Empty uses the automatic description (the operation).',
		displayOptions: { show },
	});
}

export const COMPACT_OUTPUT = 'toolCompactOutput';

/** Tool output: compact unless the user asks for the whole item. */
export function compactOutputField(): INodeProperties {
	return toolOnly({
		displayName: 'Compact Tool Output',
		name: COMPACT_OUTPUT,
		type: 'boolean',
		default: true,
		description:
			'Whether the model receives only the answer, its sources and the IDs that continue the conversation; off, it receives the whole item the node outputs outside an agent',
	});
}

/**
 * The item a tool returns: compact (the answer, its sources, the IDs to continue) when the
 * node runs as a tool with Compact Tool Output on; the full item otherwise.
 */
export function toolOutput<Full extends IDataObject | IDataObject[]>(
	context: IExecuteFunctions,
	itemIndex: number,
	full: Full,
	compact: () => IDataObject,
): Full | IDataObject {
	if (!runsAsTool(context)) return full;
	if (context.getNodeParameter(COMPACT_OUTPUT, itemIndex, true) === false) return full;
	const result = compact();
	// Fields without a value say nothing to the model.
	for (const [key, value] of Object.entries(result)) {
		if (value === undefined || value === null) delete result[key];
	}
	return result;
}

function blank(value: unknown): boolean {
	return value === undefined || value === null || String(value).trim() === '';
}

/**
 * The question (or input, or message) must not be empty: checked before any request, so that
 * nothing is run for "no question". As a tool, the message tells the model what to pass.
 */
export function requireQuestion(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	field: string,
	advice: string,
): void {
	if (!blank(value)) return;
	const validator = new Validator(context.getNode(), itemIndex);
	if (runsAsTool(context)) {
		validator.fail(
			`"${field}" is empty: the tool was called without a question`,
			`Call the tool again with the question to ask in its "${QUESTION_KEY}" argument (text, not empty).`,
		);
	}
	validator.fail(`"${field}" is empty`, advice);
}

/** The name the editor showed for a resource locator's choice (a picked assistant), if any. */
export function chosenName(
	context: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
): string | undefined {
	const value = context.getNodeParameter(parameter, itemIndex, undefined, {
		extractValue: false,
	}) as IDataObject | string | undefined;
	if (value && typeof value === 'object' && typeof value.cachedResultName === 'string') {
		return value.cachedResultName.trim() || undefined;
	}
	return undefined;
}
