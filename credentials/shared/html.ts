import { oneLine, shorten } from './text';

/**
 * Short summaries of HTML pages. Web apps answer some errors with a page meant for a browser
 * (a framework's 404 or 500 page, a proxy's 502): an error message names the page by its title
 * instead of quoting its markup. Here rather than in nodes/shared because the Agent Chat login
 * (credentials/AgentChat/session.ts) needs it too, and credentials import nothing from nodes/.
 */

/** Whether a response body is an HTML page rather than data. */
export function isHtmlPage(text: string): boolean {
	return (
		/^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(text) ||
		/<\/(html|body|head|title)>/i.test(text.slice(0, 4000))
	);
}

const ENTITIES: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
};

/** The visible text of an HTML fragment, with entities decoded and whitespace collapsed. */
function textOf(fragment: string): string {
	const text = fragment
		.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]*>/g, ' ')
		.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
			if (name[0] === '#') {
				const code =
					name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
				return Number.isFinite(code) ? String.fromCodePoint(code) : entity;
			}
			return ENTITIES[name.toLowerCase()] ?? entity;
		});
	return oneLine(text);
}

/**
 * What a page is about, in a few words: its `<title>`, else its first `<h1>`, else the start of
 * its text.
 */
export function htmlPageSummary(html: string, maxLength = 120): string {
	const title = textOf(/<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '');
	const heading = textOf(/<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1] ?? '');
	const body = textOf(/<body[^>]*>([\s\S]*)/i.exec(html)?.[1] ?? html);
	return shorten(title || heading || body, maxLength);
}
