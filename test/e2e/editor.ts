/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The package as a user meets it in n8n's editor: Debian's Chromium, driven by playwright-core,
 * against the n8n and the sandbox that the end-to-end suite started (n8n.e2e.test.ts). One
 * browser and one login for all the tests; the selectors are the editor's data-test-id attributes
 * (n8n 2.41). Each test saves screenshots of the views it checks into the folder of n8n's log,
 * and one of the screen when it fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import type { Sandbox } from '../../sandbox';
import { PACKAGE } from '../helpers/listed-types';

const { ensureChromium, freshProfileDir, CHROMIUM_ARGS } = require('../../scripts/lib/chromium');
const { OWNER } = require('../../scripts/lib/n8n');

export interface EditorTestContext {
	baseUrl: string;
	sandbox: Sandbox;
	/** Where n8n's log is; screenshots go there too. */
	artifacts: string;
	/** Example file name -> the imported workflow. */
	workflows: Record<string, { id: string; name: string }>;
	/** The credentials the suite created for the sandbox, by credential type. */
	credentials: Record<string, { id: string; name: string }>;
	/** n8n's REST API, logged in as the owner (scripts/lib/n8n.js). */
	api: {
		getJson(pathname: string): Promise<unknown>;
		importAndPublish(workflow: object, options?: { publish?: boolean }): Promise<{ id: string }>;
	};
	timed<T>(label: string, work: () => Promise<T>): Promise<T>;
}

interface NodeTypeDescription {
	name: string;
	displayName: string;
	description: string;
	group: string[];
	documentationUrl?: string;
	properties: Array<{
		name: string;
		displayName: string;
		options?: Array<{ name: string; value: unknown; action?: string }>;
		displayOptions?: { show?: Record<string, unknown[]> };
	}>;
}

/** What each node is found by: its name, and words a user would try. */
const SEARCHES: Record<string, string[]> = {
	haufeCopilot: ['Haufe', 'Haufe Copilot', 'copilot', 'assistant', 'thread', 'chat'],
	griptapeCloud: [
		'Griptape',
		'Griptape Cloud',
		'Griptape Cloud Trigger',
		'assistant',
		'agent',
		'run',
	],
	agentChat: ['Agent Chat', 'agent', 'chat', 'Grit'],
	openAiThreads: ['Threads', 'OpenAI-Compatible Threads', 'openai', 'assistant', 'thread'],
};
const ACTION_NODES = Object.keys(SEARCHES);
const DOCS = `https://github.com/${PACKAGE}/${PACKAGE}/blob/main/docs/`;
const slug = (text: string) =>
	text
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');

export function editorTests(context: () => EditorTestContext) {
	describe('in the editor (Debian Chromium, driven by playwright-core)', () => {
		let browserContext: BrowserContext;
		let page: Page;
		let profile: string;
		let nodeTypes: Map<string, NodeTypeDescription>;
		let credentialTypes: Map<string, { name: string; documentationUrl?: string }>;
		const screenshots: string[] = [];
		let ctx: EditorTestContext;

		const shot = async (name: string) => {
			const file = path.join(ctx.artifacts, `${slug(name)}.png`);
			await page.screenshot({ path: file });
			screenshots.push(path.basename(file));
		};

		/** A browser test: timed; on failure a screenshot and the end of n8n's log join the error. */
		const ui = (name: string, work: () => Promise<void>, timeout = 120_000) =>
			it(
				name,
				async () => {
					await ctx.timed(`browser: ${name}`, async () => {
						try {
							await work();
						} catch (error) {
							const file = path.join(ctx.artifacts, `failed-${slug(name)}.png`);
							await page?.screenshot({ path: file }).catch(() => undefined);
							(error as Error).message +=
								`\nScreenshot: ${file}\nn8n's log: ${path.join(ctx.artifacts, 'n8n.log')}`;
							throw error;
						}
					});
				},
				timeout,
			);

		const nodeType = (name: string) => nodeTypes.get(`${PACKAGE}.${name}`) as NodeTypeDescription;

		/** The panel's item names, once the list has settled after a search. */
		const listedNames = async (scope: Locator) => {
			await settled();
			return await scope.locator('[data-test-id="node-creator-item-name"]').allInnerTexts();
		};

		const panel = () => page.locator('[data-test-id="node-creator"]');

		/**
		 * Types a search and returns the names listed, once they include the expected ones (the
		 * list is re-rendered a moment after each key) or after 5 s, for the assertion to show them.
		 */
		const search = async (query: string, expected: string[] = []) => {
			await panel().locator('[data-test-id="node-creator-search-bar"]').fill(query);
			let names: string[] = [];
			const deadline = Date.now() + 5000;
			do {
				await page.waitForTimeout(100);
				names = await panel().locator('[data-test-id="node-creator-item-name"]').allInnerTexts();
			} while (!expected.every((name) => names.includes(name)) && Date.now() < deadline);
			return names;
		};

		/** The names of the actions n8n generates for a node type (useActionsGeneration): one per operation. */
		const expectedActions = (type: NodeTypeDescription) => {
			const actions: string[] = [];
			for (const property of type.properties) {
				if (property.name === 'operation') {
					// n8n leaves its generic "Custom API Call" operation out of the panel.
					const operations = (property.options ?? []).filter(
						(option) => option.value !== '__CUSTOM_API_CALL__',
					);
					actions.push(...operations.map((option) => option.action ?? option.name));
				}
				if (type.group.includes('trigger') && property.displayName === 'Trigger On') {
					// "On <event>", in lower case (nodeCreator.actionsCategory.onEvent).
					actions.push(
						...(property.options ?? []).map(
							(option) => option.action ?? `On ${option.name.toLowerCase()}`,
						),
					);
				}
			}
			return [...new Set(actions)];
		};

		/**
		 * Opens a node of the list: its actions are listed, and its trigger's. For the first step n8n
		 * shows the triggers and folds the actions ("Actions (22)").
		 */
		const expectActionsOf = async (
			displayName: string,
			types: NodeTypeDescription[],
			{ folded = false } = {},
		) => {
			await panel()
				.locator('[data-test-id="node-creator-item-name"]', {
					hasText: new RegExp(`^${displayName}$`),
				})
				.first()
				.click();
			const actions = panel().locator(
				'[data-keyboard-nav-type="action"] [data-test-id="node-creator-item-name"]',
			);
			await actions.first().waitFor();
			await settled();
			const shown = (await actions.allInnerTexts()).map((text) => text.toLowerCase());
			for (const type of types) {
				const expected = expectedActions(type);
				if (folded && !type.group.includes('trigger')) {
					await expect(panel().innerText()).resolves.toContain(`Actions (${expected.length})`);
				} else {
					for (const action of expected) expect(shown).toContain(action.toLowerCase());
				}
			}
		};

		/** Closes the node panel if it is open, and opens it again with the button. */
		const reopenPanel = async (button: string, title: string) => {
			if (await panel().isVisible()) {
				await page.keyboard.press('Escape');
				await panel().waitFor({ state: 'hidden' });
			}
			await page.locator(`[data-test-id="${button}"]`).click();
			await expect(panelTitle()).resolves.toBe(title);
		};

		/** The node panel of a new workflow: "What triggers this workflow?". */
		const openNodeCreatorForFirstStep = async () => {
			if (!page.url().endsWith('/workflow/new')) await page.goto(`${ctx.baseUrl}/workflow/new`);
			await reopenPanel('canvas-plus-button', 'What triggers this workflow?');
		};

		/** The node panel of a workflow that has its trigger: "What happens next?". */
		const openNodeCreatorAfterTrigger = async () => {
			const url = `${ctx.baseUrl}/workflow/${ctx.workflows['scheduled-batch-questions.json'].id}`;
			if (page.url() !== url) {
				await page.goto(url);
				await page.locator('[data-test-id="canvas-node"]').first().waitFor();
			}
			await reopenPanel('node-creator-plus-button', 'What happens next?');
		};

		/** Waits for the panel's slide to end: while one view slides over another both are there. */
		const settled = async () => {
			await expectSoon(
				async () => (await panel().locator('[data-test-id="nodes-list-header"]').count()) === 1,
			);
			await page.waitForTimeout(200);
		};

		const panelTitle = async () => {
			await settled();
			return (await panel().locator('[data-test-id="nodes-list-header"]').innerText())
				.split('\n')[0]
				.trim();
		};

		beforeAll(async () => {
			ctx = context();
			const executablePath = await ensureChromium();
			profile = freshProfileDir();
			browserContext = await chromium.launchPersistentContext(profile, {
				executablePath,
				args: CHROMIUM_ARGS,
				headless: true,
				viewport: { width: 1440, height: 900 },
			});
			page = browserContext.pages()[0] ?? (await browserContext.newPage());
			page.setDefaultTimeout(20_000);
			// Leaving a workflow with unsaved changes asks first.
			page.on('dialog', (dialog) => void dialog.accept());
			const types = (await ctx.api.getJson('/types/nodes.json')) as NodeTypeDescription[];
			nodeTypes = new Map(types.map((type) => [type.name, type]));
			const credentials = (await ctx.api.getJson('/types/credentials.json')) as Array<{
				name: string;
				documentationUrl?: string;
			}>;
			credentialTypes = new Map(credentials.map((type) => [type.name, type]));
		}, 600_000);

		afterAll(async () => {
			await browserContext?.close();
			if (profile) fs.rmSync(profile, { recursive: true, force: true });
			console.log(
				[
					`Browser screenshots in ${ctx?.artifacts}:`,
					...screenshots.map((file) => `  ${file}`),
				].join('\n'),
			);
		});

		ui('logs in as the owner', async () => {
			await page.goto(`${ctx.baseUrl}/signin`);
			await page.locator('[data-test-id="emailOrLdapLoginId"] input').fill(OWNER.email);
			await page.locator('[data-test-id="password"] input').fill(OWNER.password);
			await page.locator('[data-test-id="form-submit-button"]').click();
			await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
			await expect(page.locator('[data-test-id="project-tabs"]').innerText()).resolves.toContain(
				'Workflows',
			);
		});

		ui(
			"finds each node by its name and aliases for the first step, and lists its actions (the trigger's too)",
			async () => {
				for (const name of ACTION_NODES) {
					await openNodeCreatorForFirstStep();
					const { displayName } = nodeType(name);
					for (const query of SEARCHES[name]) {
						const found = await search(query, [displayName]);
						expect({ query, found }).toEqual({
							query,
							found: expect.arrayContaining([displayName]),
						});
					}
					await search(SEARCHES[name][0], [displayName]);
					await shot(`first step: search ${SEARCHES[name][0]}`);
					// n8n lists "Griptape Cloud Trigger" inside "Griptape Cloud": its triggers and actions together.
					const trigger = nodeTypes.get(`${PACKAGE}.${name}Trigger`);
					await expectActionsOf(
						displayName,
						trigger ? [nodeType(name), trigger] : [nodeType(name)],
						{ folded: Boolean(trigger) },
					);
					await shot(`first step: ${displayName} actions`);
				}
			},
		);

		ui(
			'finds each node by its name and aliases in "What happens next?", with its own description and actions',
			async () => {
				await openNodeCreatorAfterTrigger();
				for (const name of ACTION_NODES) {
					const { displayName, description } = nodeType(name);
					for (const query of SEARCHES[name]) {
						const found = await search(query, [displayName]);
						expect({ query, found }).toEqual({
							query,
							found: expect.arrayContaining([displayName]),
						});
					}
					await search(displayName, [displayName]);
					const item = panel()
						.locator('[data-test-id="item-iterator-item"]', { hasText: displayName })
						.first();
					// The panel shows the node's own words (for Griptape Cloud: its trigger's, which open the same way).
					const shown = await item
						.locator('[data-test-id="node-creator-item-description"]')
						.innerText();
					expect(shown.startsWith(description.split(/,| and |:/)[0])).toBe(true);
					await expectActionsOf(displayName, [nodeType(name)]);
					await shot(`what happens next: ${displayName} actions`);
					await openNodeCreatorAfterTrigger();
				}
				await search(
					'assistant',
					ACTION_NODES.map((name) => nodeType(name).displayName),
				);
				await shot('what happens next: search assistant');
			},
		);

		ui(
			'lists the nodes in the AI view, and offers their tool variants to an AI Agent',
			async () => {
				await openNodeCreatorAfterTrigger();
				await panel()
					.locator('[data-test-id="item-iterator-item"]', { hasText: /^AI/ })
					.first()
					.click();
				await expect(panelTitle()).resolves.toBe('AI Nodes');
				const aiView = await listedNames(panel());
				for (const name of ACTION_NODES) expect(aiView).toContain(nodeType(name).displayName);
				await shot('AI view');
				const everyVariant = ACTION_NODES.flatMap((name) => [
					nodeType(name).displayName,
					`${nodeType(name).displayName} Tool`,
				]);
				const found = await search('thread', everyVariant);
				for (const name of ACTION_NODES)
					expect(found).toEqual(
						expect.arrayContaining([
							nodeType(name).displayName,
							`${nodeType(name).displayName} Tool`,
						]),
					);

				const workflow = await ctx.api.importAndPublish(
					{
						name: 'AI Agent with tools (browser test)',
						nodes: [
							{
								id: 'e2e-chat',
								name: 'Chat',
								type: '@n8n/n8n-nodes-langchain.chatTrigger',
								typeVersion: 1.1,
								position: [0, 0],
								parameters: {},
							},
							{
								id: 'e2e-agent',
								name: 'AI Agent',
								type: '@n8n/n8n-nodes-langchain.agent',
								typeVersion: 3.1,
								position: [300, 0],
								parameters: {},
							},
						],
						connections: { Chat: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] } },
					},
					{ publish: false },
				);
				await page.goto(`${ctx.baseUrl}/workflow/${workflow.id}`);
				const toolInput = page.locator(
					'[data-test-id="canvas-node-input-handle"][data-connection-type="ai_tool"][data-node-name="AI Agent"]',
				);
				// The panel may show the view it had last (Other AI Nodes) for a moment before it switches
				// to Tools; on a loaded machine it can stay there, and a second click on the plus opens
				// Tools as it does for a user who tries again.
				let title = '';
				for (let click = 0; click < 2 && title !== 'Tools'; click++) {
					if (click > 0) await page.keyboard.press('Escape');
					await toolInput.locator('[data-test-id="canvas-handle-plus"]').click();
					await expectSoon(async () => (title = await panelTitle()) === 'Tools').catch(
						() => undefined,
					);
				}
				expect(title).toBe('Tools');
				for (const name of ACTION_NODES) {
					const { displayName } = nodeType(name);
					await expect(search(displayName, [`${displayName} Tool`])).resolves.toContain(
						`${displayName} Tool`,
					);
				}
				await search(
					'assistant',
					ACTION_NODES.map((name) => `${nodeType(name).displayName} Tool`),
				);
				await shot('AI Agent tools: search assistant');
			},
		);

		ui(
			"opens each kind of node of the example workflows with its parameters; the locators list the sandbox's assistants by name",
			async () => {
				const { sandbox } = ctx;
				// What each list of the sandbox holds, by the node that lists it.
				const listNames: Record<string, string[]> = {
					haufeCopilot: sandbox.haufe.state.assistants.map((assistant) => assistant.name),
					griptapeCloud: [...sandbox.griptape.state.assistants.values()].map(
						(assistant) => assistant.name,
					),
					griptapeCloudTrigger: [...sandbox.griptape.state.assistants.values()].map(
						(assistant) => assistant.name,
					),
					openAiThreads: [...sandbox.openai.state.assistants.values()].map(
						(assistant) => assistant.name,
					),
					agentChat: agentChatNames(sandbox),
				};
				let opened = 0;
				// Each kind of node once (type, resource, operation, thread choice; every tool variant is
				// generated by n8n the same way, so one stands for all): opening the same kind again in
				// another example checks nothing new and costs seconds.
				type ExampleNode = { name: string; type: string; parameters?: Record<string, unknown> };
				const kindOf = (node: ExampleNode) =>
					node.type.endsWith('Tool')
						? 'a tool variant'
						: [
								node.type,
								node.parameters?.resource,
								node.parameters?.operation,
								node.parameters?.threadMode,
							].join(' ');
				const kinds = new Set<string>();
				const toOpen = new Map<string, Set<string>>();
				for (const [file, workflow] of Object.entries(ctx.workflows)) {
					const fresh = ((workflow as unknown as { nodes: ExampleNode[] }).nodes ?? []).filter(
						(node) => {
							if (!node.type.startsWith(`${PACKAGE}.`) || kinds.has(kindOf(node))) return false;
							kinds.add(kindOf(node));
							return true;
						},
					);
					if (fresh.length) toOpen.set(file, new Set(fresh.map((node) => node.name)));
				}
				await page.goto(`${ctx.baseUrl}/home/workflows`);
				let changed = false;
				for (const [file, workflow] of Object.entries(ctx.workflows).filter(([file]) =>
					toOpen.has(file),
				)) {
					// As a user opens them: from the list of workflows.
					await page.locator('[data-test-id="project-home-menu-item"]').click();
					// Switching a locator to "From list" is a change: the example stays as it was imported.
					// (Unless n8n's autosave stored the change meanwhile, as after a workflow of several nodes: then no dialog.)
					if (changed)
						await page
							.getByRole('button', { name: 'Leave without saving' })
							.click({ timeout: 5000 })
							.catch(() => undefined);
					changed = false;
					await page
						.locator('[data-test-id="workflow-card-name"]')
						.getByText(workflow.name, { exact: true })
						.click();
					await page.waitForURL(`**/workflow/${workflow.id}`);
					await page.locator('[data-test-id="canvas-node"]').first().waitFor();
					const nodes = page.locator(`[data-test-id="canvas-node"][data-node-type^="${PACKAGE}."]`);
					const names = await Promise.all(
						(await nodes.all()).map(
							async (node) => (await node.getAttribute('data-node-name')) as string,
						),
					);
					expect({ file, names: names.length }).not.toEqual({ file, names: 0 });
					for (const nodeName of names.filter((name) => toOpen.get(file)?.has(name))) {
						const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
						const fullType = ((await node.getAttribute('data-node-type')) as string).slice(
							PACKAGE.length + 1,
						);
						// A tool variant (the MCP example's) has its node's credential, docs and lists.
						const type = fullType.replace(/Tool$/, '');
						await node.dblclick();
						const ndv = page.locator('[data-test-id="ndv"]');
						await ndv.locator('[data-test-id="node-parameters"]').waitFor();
						// The credential the suite created for the sandbox is selected, and the parameters are there.
						const credentialType = Object.keys(ctx.credentials).find((key) =>
							key.startsWith(type.replace(/Trigger$/, '')),
						);
						const credential = ndv.locator('[data-test-id="node-credentials-select"] input');
						await expect(credential.inputValue()).resolves.toBe(
							ctx.credentials[credentialType as string].name,
						);
						const labels = await ndv
							.locator('[data-test-id="node-parameters"] [data-test-id="parameter-item"]')
							.count();
						expect(labels).toBeGreaterThan(1);
						// The Docs link is this package's docs page for the node.
						const docs = await ndv.locator('a', { hasText: 'Docs' }).first().getAttribute('href');
						expect(docs).toBe(nodeType(type).documentationUrl);
						expect(docs?.startsWith(DOCS)).toBe(true);

						const locator = ndv
							.locator(
								'[data-test-id="resource-locator-assistantId"], [data-test-id="resource-locator-modelId"]',
							)
							.first();
						if (await locator.count()) {
							const mode = locator.locator('[data-test-id="rlc-mode-selector"] input');
							if ((await mode.inputValue()) !== 'From list') {
								await locator.locator('[data-test-id="rlc-mode-selector"]').click();
								await page.getByRole('option', { name: 'From list' }).click();
								changed = true;
							}
							await locator.locator('[data-test-id="rlc-input"]').click();
							// The selected assistant shows at once; the list loads from the sandbox behind it.
							const items = page.locator('[data-test-id="rlc-item"]');
							let listed: string[] = [];
							await expectSoon(async () => {
								listed = await items.allInnerTexts();
								return listNames[type].every((name) => listed.includes(name));
							}).catch(() => undefined);
							expect(listed).toEqual(expect.arrayContaining(listNames[type]));
							await shot(`example ${file.replace(/\.json$/, '')}: ${nodeName}, list`);
						} else {
							await shot(`example ${file.replace(/\.json$/, '')}: ${nodeName}`);
						}
						await ndv.locator('[data-test-id="ndv-close-button"]').click();
						await ndv.waitFor({ state: 'hidden' });
						opened++;
					}
				}
				expect(opened).toBe(kinds.size);
			},
			240_000,
		);

		ui(
			"executes the scheduled batch example from the editor's button and shows the answers in the output table",
			async () => {
				const before = ctx.sandbox.haufe.stats.runs.length;
				await page.goto(
					`${ctx.baseUrl}/workflow/${ctx.workflows['scheduled-batch-questions.json'].id}`,
				);
				await page.locator('[data-test-id="execute-workflow-button"]').click();
				const table = page.locator('[data-test-id="canvas-node"][data-node-name="Table"]');
				await table
					.locator('[data-test-id="canvas-node-status-success"]')
					.waitFor({ timeout: 120_000 });
				await shot('batch example: executed');
				await table.dblclick();
				const output = page.locator('[data-test-id="output-panel"]');
				await output.locator('table').first().waitFor();
				const headers = (await output.locator('table thead th').allInnerTexts()).map((text) =>
					text.trim(),
				);
				const rows = await Promise.all(
					(await output.locator('table tbody tr').all()).map(
						async (row) => await row.locator('td').allInnerTexts(),
					),
				);
				const column = (name: string) => headers.findIndex((header) => header.startsWith(name));
				const answers = rows.map((cells) => ({
					question: cells[column('question')]?.trim(),
					answer: cells[column('answer')]?.trim(),
				}));
				expect(answers).toHaveLength(6);
				for (const { question, answer } of answers)
					expect(answer.startsWith(`Answer to: ${question}`)).toBe(true);
				expect(ctx.sandbox.haufe.stats.runs.length - before).toBe(6);
				await shot('batch example: output table');
				await page.locator('[data-test-id="ndv-close-button"]').click();
			},
		);

		ui('opens each credential and passes its connection test', async () => {
			await page.goto(`${ctx.baseUrl}/home/credentials`);
			for (const [type, credential] of Object.entries(ctx.credentials)) {
				await page
					.locator('[data-test-id="resources-list-item"]', { hasText: credential.name })
					.click();
				const modal = page.locator('[data-test-id="editCredential-modal"]');
				// The editor tests the credential when it opens; Retry tests it again, as a user would.
				const retry = modal.locator('button[title="Retry credential test"]');
				await retry.waitFor();
				await expectSoon(async () => await retry.isEnabled());
				const [response] = await Promise.all([
					page.waitForResponse((answer) => answer.url().endsWith('/rest/credentials/test')),
					retry.click(),
				]);
				await expect(response.json()).resolves.toMatchObject({ data: { status: 'OK' } });
				const banner = modal.locator('[data-test-id="credentials-config-container-test-success"]');
				await expectSoon(async () => (await banner.isVisible()) && (await retry.isEnabled()));
				await expect(banner.innerText()).resolves.toMatch(/Connection tested successfully/);
				// The "docs" link is the credential's section of its system's docs page.
				const docs = await modal.locator('a', { hasText: 'docs' }).first().getAttribute('href');
				expect(docs).toBe(credentialTypes.get(type)?.documentationUrl);
				expect(docs).toMatch(
					new RegExp(`^${DOCS.replace(/[.]/g, '\\.')}[a-z0-9-]+\\.md#credential-`),
				);
				await page.waitForTimeout(300);
				await shot(`credential ${type}`);
				await page.keyboard.press('Escape');
				await modal.waitFor({ state: 'hidden' });
			}
		});
	});
}

/**
 * The names the Agent Chat node lists: the sandbox's agents (as `agents` with a name, or as
 * `models` with a label or name, as earlier versions of the sandbox keep them).
 */
function agentChatNames(sandbox: Sandbox): string[] {
	const state = sandbox.agentChat.state as unknown as Record<
		string,
		Map<string, { name?: string; label?: string }> | undefined
	>;
	return [...(state.agents ?? state.models ?? new Map()).values()].map(
		(agent) => (agent.label ?? agent.name) as string,
	);
}

/** Polls a condition until it holds (at most 10 s). */
async function expectSoon(condition: () => Promise<boolean>) {
	const deadline = Date.now() + 10_000;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error('condition not met within 10 s');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}
