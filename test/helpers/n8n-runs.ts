/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * Runs in a real n8n, shared by the end-to-end suite (the pinned n8n) and the compatibility run
 * (older releases): a workflow executed by n8n's CLI, and the items a published trigger emitted.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import type { Sandbox } from '../../sandbox';

const { freePort } = require('../../scripts/lib/n8n');
const { ensureInstalled, CACHE } = require('../../scripts/lib/n8n-install');

const run = promisify(execFile);

type RunData<T> = Record<string, Array<{ data: { main: Array<Array<{ json: T }>> } }>>;

/**
 * The first JSON object in `text`: the CLI prints log lines before the execution's JSON, and
 * may print more after it (a shutdown notice).
 */
export function firstJsonObject(text: string): string {
	const start = text.indexOf('{');
	let depth = 0;
	let inString = false;
	for (let index = start; index >= 0 && index < text.length; index++) {
		const char = text[index];
		if (inString) {
			if (char === '\\') index++;
			else if (char === '"') inString = false;
		} else if (char === '"') inString = true;
		else if (char === '{') depth++;
		else if (char === '}' && --depth === 0) return text.slice(start, index + 1);
	}
	throw new Error(`No JSON object in the CLI's output:\n${text.slice(-3000)}`);
}

/** `n8n execute --id=… --rawOutput` in the given user folder (n8n `version`, or the pinned one): the run data. */
export async function executeFromCli<T = Record<string, string>>(
	userFolder: string,
	workflowId: string,
	version?: string,
): Promise<RunData<T>> {
	const { node, n8n } = await ensureInstalled(version);
	const { stdout } = await run(node, [n8n, 'execute', `--id=${workflowId}`, '--rawOutput'], {
		env: {
			...process.env,
			NODE_ENV: 'production',
			N8N_USER_FOLDER: userFolder,
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		},
		cwd: userFolder,
		maxBuffer: 64 * 1024 * 1024,
		timeout: 240_000,
	}).catch((error: Error & { stdout?: string; stderr?: string }) => {
		throw new Error(
			`${error.message}\n${String(error.stdout).slice(-3000)}\n${String(error.stderr).slice(-3000)}`,
		);
	});
	return (JSON.parse(firstJsonObject(stdout)) as { data: { resultData: { runData: RunData<T> } } })
		.data.resultData.runData;
}

interface ExecutionsApi {
	executions(workflowId: string): Promise<unknown>;
	execution(id: string): Promise<unknown>;
}

/**
 * Waits (up to 150 s: n8n polls every minute) until the trigger workflow's executions hold all
 * events of the sandbox's Griptape run; returns the event IDs its `Event` node emitted, in order.
 */
export async function awaitTriggerEvents(
	api: ExecutionsApi,
	workflowId: string,
	sandbox: Sandbox,
	runId: string,
	version: string,
): Promise<{ ids: string[]; expected: string[]; executions: number }> {
	const { parse } = require(path.join(CACHE, `n8n-${version}`, 'node_modules', 'flatted'));
	const expected = () =>
		sandbox.griptape.state.events
			.filter((event) => event.assistant_run_id === runId)
			.map((event) => event.event_id as string);
	const emitted = async () => {
		const ids: string[] = [];
		const executions = (await api.executions(workflowId)) as Array<{ id: string }>;
		for (const { id } of [...executions].reverse()) {
			const execution = (await api.execution(id)) as { data: string };
			const data = parse(execution.data) as {
				resultData: { runData: RunData<{ event_id: string }> };
			};
			for (const item of data.resultData.runData.Event?.[0]?.data.main[0] ?? [])
				ids.push(item.json.event_id);
		}
		return { ids, executions: executions.length };
	};
	const deadline = Date.now() + 150_000;
	let seen = await emitted();
	while (Date.now() < deadline) {
		const done = sandbox.griptape.state.runs.get(runId)?.status === 'SUCCEEDED';
		if (done && seen.ids.length >= expected().length) break;
		await new Promise((resolve) => setTimeout(resolve, 3000));
		seen = await emitted();
	}
	return { ...seen, expected: expected() };
}

/** One line of a streamed webhook response: `begin`, `item` (with `content`), `end` or `error`. */
export interface StreamedLine {
	type: string;
	content?: string;
	/** The node that sent it. */
	metadata?: { nodeId?: string; nodeName?: string; itemIndex?: number; runIndex?: number };
}

/** A streamed webhook response (n8n's NDJSON `{type, content}` lines) as it arrived. */
export interface StreamedResponse {
	/** The `item` lines' contents, in order. */
	items: string[];
	/** Every line, in order, with the node that sent it. */
	chunks: StreamedLine[];
	/** When the first `item` line arrived (undefined if none did). */
	firstItemAt?: number;
	/** How many `item` lines had arrived in the chunk that brought the first. */
	itemsInFirstChunk: number;
	/** When the body ended. */
	endedAt: number;
}

/** Reads a streamed webhook response to its end, noting when its first item arrived. */
export async function readStreamedResponse(response: Response): Promise<StreamedResponse> {
	const decoder = new TextDecoder();
	let text = '';
	let firstItemAt: number | undefined;
	let itemsInFirstChunk = 0;
	for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
		text += decoder.decode(chunk, { stream: true });
		if (firstItemAt === undefined && text.includes('"type":"item"')) {
			firstItemAt = Date.now();
			itemsInFirstChunk = text.split('"type":"item"').length - 1;
		}
	}
	const endedAt = Date.now();
	const chunks = text
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as StreamedLine);
	const items = chunks.filter((line) => line.type === 'item').map((line) => line.content as string);
	return { items, chunks, firstItemAt, itemsInFirstChunk, endedAt };
}
