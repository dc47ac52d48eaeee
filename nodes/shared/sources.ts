import type { INodeProperties } from 'n8n-workflow';

import { oneLine, shorten } from '../../credentials/shared/text';

/**
 * What a streamed answer is followed by: its sources (or other references the API returned)
 * and, where the service's terms ask for one, an attribution line. Sent as one more plain
 * `item` chunk after the last piece of text, so that any streaming client shows it (n8n's
 * chat, a `curl` reading JSON lines); the answer text itself is never changed.
 */

/** One entry of a list: "1. Title, detail — https://…". */
export interface SourceLine {
	title: string;
	detail?: string;
	url?: string;
}

export interface SourceSection {
	/** e.g. "Sources" */
	heading: string;
	lines: SourceLine[];
}

/** The option the streamed operations offer; on unless the user turns it off. */
export const streamSourcesOption: INodeProperties = {
	displayName: 'Stream Sources After Answer',
	name: 'streamSources',
	type: 'boolean',
	default: true,
	description:
		"Whether a streamed webhook response ends with the answer's sources (and any attribution the service requires), " +
		'sent after the text as plain text. The text itself is never changed; the output item is the same either way.',
};

function renderLine(line: SourceLine): string {
	let text = oneLine(line.title);
	if (line.detail && oneLine(line.detail)) text += `, ${oneLine(line.detail)}`;
	if (line.url && oneLine(line.url)) text += ` — ${oneLine(line.url)}`;
	return text;
}

/**
 * The trailing text: each non-empty section as a heading and a numbered list (identical lines
 * listed once), then the attribution; sections and attribution separated by a blank line.
 * Empty when there is nothing to add.
 */
export function formatSources(sections: SourceSection[], attribution = ''): string {
	const blocks: string[] = [];
	for (const section of sections) {
		const lines = [...new Set(section.lines.filter((line) => oneLine(line.title)).map(renderLine))];
		const numbered = lines.map((line, index) => `${index + 1}. ${line}`);
		if (numbered.length) blocks.push([`${section.heading}:`, ...numbered].join('\n'));
	}
	if (oneLine(attribution)) blocks.push(oneLine(attribution));
	return blocks.join('\n\n');
}

/** A short, single-line excerpt, for a source that carries no title. */
export function excerpt(value: unknown, length = 80): string {
	return typeof value === 'string' ? shorten(value, length) : '';
}

/** The given fields with `option` added to their options collection (kept in alphabetical order). */
export function withOption(
	properties: INodeProperties[],
	option: INodeProperties,
	collection = 'options',
): INodeProperties[] {
	return properties.map((property) =>
		property.name === collection && property.type === 'collection'
			? {
					...property,
					options: [...((property.options as INodeProperties[] | undefined) ?? []), option].sort(
						(a, b) => a.displayName.localeCompare(b.displayName),
					),
				}
			: property,
	);
}
