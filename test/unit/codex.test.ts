/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The codex files and documentation links, checked against the rules of n8n 2.41's node panel
 * (editor-ui nodeCreator: useViewStacks, nodeCreator.utils, useActionsGeneration). The browser
 * tests (test/e2e) see the result in the real editor; these say which rule broke.
 */
import fs from 'node:fs';
import path from 'node:path';

import { packageCredentialTypes, packageNodeTypes } from '../helpers/package-types';

const ROOT = path.resolve(__dirname, '../..');
const DOCS_URL =
	'https://github.com/n8n-nodes-assistant-threads/n8n-nodes-assistant-threads/blob/main/docs/';

interface Codex {
	node: string;
	categories: string[];
	subcategories?: Record<string, string[]>;
	alias?: string[];
	resources: {
		primaryDocumentation: Array<{ url: string }>;
		credentialDocumentation: Array<{ url: string }>;
	};
}

const codexFiles = fs
	.readdirSync(path.join(ROOT, 'nodes'))
	.map((dir) => path.join(ROOT, 'nodes', dir, `${dir}.node.json`))
	.filter((file) => fs.existsSync(file));
const codices: Codex[] = codexFiles.map(
	(file) => JSON.parse(fs.readFileSync(file, 'utf8')) as Codex,
);
const nodes = packageNodeTypes();

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
	heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
const anchorsOf = (page: string) =>
	new Set(
		fs
			.readFileSync(path.join(ROOT, 'docs', page), 'utf8')
			.split('\n')
			.filter((line) => /^#{1,6} /.test(line))
			.map((line) => slug(line.replace(/^#+ /, ''))),
	);

/** A link to one of the package's docs pages (docs/*.md), and to a heading of it when it names one. */
const expectDocsSection = (url: string | undefined, { anchor }: { anchor: boolean }) => {
	const pattern = new RegExp(
		`^${DOCS_URL.replace(/[.]/g, '\\.')}([a-z0-9-]+\\.md)(?:#([a-z0-9-]+))?$`,
	);
	expect(url).toMatch(pattern);
	const [, page, section] = (url as string).match(pattern) as RegExpMatchArray;
	expect(fs.existsSync(path.join(ROOT, 'docs', page))).toBe(true);
	if (anchor) expect(section).toBeDefined();
	if (section !== undefined) expect(anchorsOf(page)).toContain(section);
};

it('has a codex file for every node', () => {
	expect(codices.map((codex) => codex.node).sort()).toEqual(Object.keys(nodes).sort());
});

describe.each(codices.map((codex) => [codex.node, codex] as const))('%s', (name, codex) => {
	const description = nodes[name].description;
	const isTrigger = description.group.includes('trigger');

	it('is an AI root node, so the panel keeps it in its regular search (not hidden as a sub-node)', () => {
		// useViewStacks.filterOutAiNodes drops "AI" nodes without the "Root Nodes" subcategory.
		expect(codex.categories).toContain('AI');
		expect(codex.subcategories?.AI).toContain('Root Nodes');
		// Only the tool variant n8n derives (AI > Tools) is a sub-node.
		expect(codex.subcategories?.AI).not.toContain('Tools');
	});

	it(
		isTrigger
			? 'is not listed among the agents'
			: 'is listed among the agents, as the OpenAI, Anthropic and Gemini nodes are',
		() => {
			// nodeCreator.utils.isAINode: an "Agents" node is grouped with the regular nodes, and
			// viewsData.AIView lists it at the top of the AI view.
			if (isTrigger) expect(codex.subcategories?.AI).not.toContain('Agents');
			else
				expect(codex.subcategories?.AI).toEqual(
					expect.arrayContaining(['Agents', 'Miscellaneous']),
				);
		},
	);

	it('has aliases the panel searches besides the display name', () => {
		expect(codex.alias?.length).toBeGreaterThanOrEqual(3);
		expect(new Set(codex.alias?.map((alias) => alias.toLowerCase())).size).toBe(
			codex.alias?.length,
		);
	});

	it('links its documentation to its page of the docs, and its credential to that section', () => {
		expectDocsSection(codex.resources.primaryDocumentation[0]?.url, { anchor: false });
		expectDocsSection(codex.resources.credentialDocumentation[0]?.url, { anchor: true });
		// The editor's Docs link uses the node's own documentationUrl as it is.
		expect(description.documentationUrl).toBe(codex.resources.primaryDocumentation[0].url);
	});
});

it('links each credential to its section of the docs', () => {
	for (const credential of Object.values(packageCredentialTypes())) {
		expectDocsSection(credential.documentationUrl, { anchor: true });
	}
	const credentialDocs = new Set(
		codices.map((codex) => codex.resources.credentialDocumentation[0].url),
	);
	const credentialUrls = Object.values(packageCredentialTypes()).map(
		(credential) => credential.documentationUrl,
	);
	expect([...credentialDocs].sort()).toEqual([...new Set(credentialUrls)].sort());
});

it('describes a trigger that the panel merges into its action node in words that fit the action node too', () => {
	// useActionsGeneration: "X Trigger" is listed inside node "X", with the trigger's description.
	for (const [name, node] of Object.entries(nodes)) {
		if (!node.description.group.includes('trigger')) continue;
		const action = nodes[name.replace('Trigger', '')];
		if (!action) continue;
		const opening = action.description.description.split(/,| and /)[0];
		expect(node.description.description.startsWith(opening)).toBe(true);
	}
});
