#!/usr/bin/env node
// The README's pictures: one example workflow per system, run once in n8n's editor against the
// sandbox and photographed on the canvas, saved as docs/images/<name>.png.
//
// Starts the pinned n8n (installed into .cache/ like `npm run dev` does) in a throwaway user
// folder and the sandbox, both on free ports, and stops both at the end, also on failure.
// Chromium is Debian's (/usr/bin/chromium), driven by playwright-core as the browser tests do.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { chromium } = require('playwright-core');

const { startSandbox } = require('../sandbox');
const { ensureChromium, freshProfileDir, CHROMIUM_ARGS } = require('./lib/chromium');
const { ROOT } = require('./lib/n8n-install');
const { startN8n, N8nApi, freePort, loadExample, OWNER } = require('./lib/n8n');

const IMAGES = path.join(ROOT, 'docs', 'images');
// The canvas area photographed; small enough for a README, large enough to read the nodes.
const VIEWPORT = { width: 1100, height: 520 };
const say = (message) => console.log(`[screenshots] ${message}`);

/** Each picture: the example, and how it is run in the editor before the shot. */
const SHOTS = [
	{
		image: 'haufe-copilot-batch',
		example: 'scheduled-batch-questions.json',
		lastNode: 'Table',
		viewport: { width: 1280, height: 560 },
		zoomOut: true,
	},
	{
		image: 'griptape-cloud-run',
		example: 'griptape-run-and-wait.json',
		lastNode: 'Answer',
		webhook: { path: 'griptape-run', body: { input: 'What is our refund policy?' } },
	},
	{
		image: 'agent-chat-webhook',
		example: 'agent-chat-webhook.json',
		lastNode: 'Respond with the reply',
		webhook: { path: 'agent-chat', body: { message: 'How do I reset my password?' } },
	},
	{
		image: 'openai-threads-webhook',
		example: 'openai-threads-webhook.json',
		lastNode: 'Respond with the answer',
		webhook: { path: 'threads-run', body: { message: 'Summarise our travel policy.' } },
	},
];

/** Posts to the editor's test webhook until n8n has registered it (it does so after the click). */
async function callTestWebhook(baseUrl, { path: webhookPath, body }) {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const response = await fetch(`${baseUrl}/webhook-test/${webhookPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		await response.text();
		if (response.status !== 404) return response.status;
		if (Date.now() > deadline)
			throw new Error(`the test webhook ${webhookPath} was not registered within 30 s`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

async function main() {
	say('building the package');
	execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-screenshots-'));
	const profile = freshProfileDir();
	let sandbox;
	let n8n;
	let browser;
	try {
		sandbox = await startSandbox({ port: await freePort() });
		n8n = await startN8n({
			userFolder,
			port: await freePort(),
			logFile: path.join(userFolder, 'n8n.log'),
		});
		say(`n8n ready at ${n8n.baseUrl} in ${Math.round(n8n.startupMs / 1000)} s`);
		const api = new N8nApi(n8n.baseUrl);
		await api.signIn();
		const credentials = {
			HAUFE_CREDENTIAL_ID: await api.upsertCredential({
				name: 'Haufe Copilot account',
				type: 'haufeCopilotApi',
				data: {
					apiKey: 'sandbox-haufe-key',
					baseUrl: sandbox.haufe.baseUrl,
					licenceId: 'SANDBOX-LICENCE',
				},
			}),
			GRIPTAPE_CREDENTIAL_ID: await api.upsertCredential({
				name: 'Griptape Cloud account',
				type: 'griptapeCloudApi',
				data: { apiKey: 'sandbox-griptape-key', baseUrl: sandbox.griptape.baseUrl },
			}),
			AGENT_CHAT_CREDENTIAL_ID: await api.upsertCredential({
				name: 'Agent Chat account',
				type: 'agentChatApi',
				data: {
					siteUrl: sandbox.agentChat.siteUrl,
					authMethod: 'password',
					email: 'user@example.com',
					password: 'correct-horse-battery',
				},
			}),
			OPENAI_THREADS_CREDENTIAL_ID: await api.upsertCredential({
				name: 'OpenAI-compatible Threads account',
				type: 'openAiThreadsApi',
				data: { baseUrl: sandbox.openai.baseUrl, apiKey: 'sandbox-openai-key' },
			}),
		};
		const replacements = {
			...credentials,
			GRIPTAPE_ASSISTANT_ID: sandbox.griptape.ids.assistants[0],
			OPENAI_ASSISTANT_ID: sandbox.openai.ids.assistant,
		};

		browser = await chromium.launchPersistentContext(profile, {
			executablePath: await ensureChromium(),
			args: CHROMIUM_ARGS,
			headless: true,
			viewport: VIEWPORT,
		});
		const page = browser.pages()[0] ?? (await browser.newPage());
		page.setDefaultTimeout(30_000);
		page.on('dialog', (dialog) => void dialog.accept());
		await page.goto(`${n8n.baseUrl}/signin`);
		await page.locator('[data-test-id="emailOrLdapLoginId"] input').fill(OWNER.email);
		await page.locator('[data-test-id="password"] input').fill(OWNER.password);
		await page.locator('[data-test-id="form-submit-button"]').click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));

		fs.mkdirSync(IMAGES, { recursive: true });
		for (const shot of SHOTS) {
			await page.setViewportSize(shot.viewport ?? VIEWPORT);
			const workflow = await api.importAndPublish(loadExample(shot.example, replacements), {
				publish: false,
			});
			await page.goto(`${n8n.baseUrl}/workflow/${workflow.id}`);
			await page.locator('[data-test-id="canvas-node"]').first().waitFor();
			await page.locator('[data-test-id="execute-workflow-button"]').click();
			if (shot.webhook) await callTestWebhook(n8n.baseUrl, shot.webhook);
			const last = page.locator(`[data-test-id="canvas-node"][data-node-name="${shot.lastNode}"]`);
			await last
				.locator('[data-test-id="canvas-node-status-success"]')
				.waitFor({ timeout: 120_000 });
			// Without the "executed" notice, and with the whole workflow in view (the canvas's Zoom to Fit).
			for (const close of await page.locator('.el-notification__closeBtn').all())
				await close.click().catch(() => undefined);
			await page.locator('[data-test-id="zoom-to-fit"]').click();
			// Room for what Zoom to Fit leaves out: the "Execute workflow" button beside a second trigger.
			if (shot.zoomOut) await page.locator('[data-test-id="zoom-out-button"]').click();
			await page.mouse.move(1, 1);
			await page.waitForTimeout(1000);
			const file = path.join(IMAGES, `${shot.image}.png`);
			await page.screenshot({ path: file });
			say(`${path.relative(ROOT, file)}: ${Math.round(fs.statSync(file).size / 1024)} KB`);
		}
	} finally {
		await browser?.close().catch(() => undefined);
		await n8n?.stop();
		await sandbox?.close();
		fs.rmSync(profile, { recursive: true, force: true });
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
