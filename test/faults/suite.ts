/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The table-driven fault suite: every operation of every node, run through n8n-core's engine
 * and the fault proxy (proxy.ts) against the sandbox, under every fault kind that applies to
 * the request it targets. Each case checks the invariants of issue 12:
 *
 * - nothing partial is reported as success: a success equals the operation's fault-free
 *   baseline in shape, its IDs are real, its answer is the whole answer;
 * - no create/answer request is repeated after an unclear failure (counted at the proxy, and at
 *   the sandbox by the proxy's `x-fault-case` header);
 * - the message is clear (no TypeError text, no markup, not endless, says what matters for the
 *   fault: the page title, how long the API asked to wait, that a write may have happened);
 * - the time is bounded.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Sandbox, SandboxOptions } from '../../sandbox';
import { startSandbox } from '../../sandbox';
import type { NodeRunResult } from '../helpers/n8n-harness';
import { runNode } from '../helpers/n8n-harness';
import type { FaultKind } from './proxy';
import { BLOCK_PAGE_TITLE, FAULT_KINDS, FaultProxy, GATEWAY_PAGE_TITLE } from './proxy';

/**
 * What a request does, for what may happen after it fails: reads and idempotent writes (a
 * DELETE, a PUT of the same bytes) are retried; creates, answers and changes are never sent
 * twice once they may have reached the server.
 */
export type Role = 'read' | 'idempotent' | 'create' | 'answer' | 'change';

export interface Target {
	method: string;
	/** Matches the request's path as the proxy and the sandbox see it. */
	path: RegExp;
	role: Role;
	/** Its answer is read as a stream. */
	stream?: boolean;
	/** A raw-text stream without framing or end marker (Agent Chat): garbage text is a reply. */
	rawText?: boolean;
	/** Its success has no content to check (204, 202): an empty body or {} is the success. */
	nothing?: boolean;
	/** Faults the operation recovers from by design, e.g. a broken event stream falls back to polling. */
	recovers?: FaultKind[];
	/** Faults that cannot be told from a valid answer of this API, with the reason (left out). */
	indistinguishable?: { kinds: FaultKind[]; why: string };
}

/** A path segment that is an ID. */
export const ID = '[^/]+';

/** Targets under an API's mount, e.g. `targetsUnder('/haufe/agents/v1')('GET', `/threads/${ID}`, 'read')`. */
export function targetsUnder(prefix: string) {
	return (method: string, path: string, role: Role, extra: Partial<Target> = {}): Target => ({
		method,
		path: new RegExp(`^${prefix}${path}$`),
		role,
		...extra,
	});
}

/** One sandbox for a suite file, started before its cases and closed after them. */
export function useSuiteSandbox(options: SandboxOptions): () => Sandbox {
	let sandbox: Sandbox | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, ...options });
	});
	afterAll(async () => await sandbox?.close());
	return () => sandbox!;
}

export interface Prepared {
	parameters: IDataObject;
	items?: INodeExecutionData[];
}

export interface OperationCase {
	/** e.g. "thread: create" or "assistantRun: create (stream)". */
	name: string;
	targets: Target[];
	/** Creates what the operation needs, straight in the sandbox; returns the node's parameters. */
	prepare(sandbox: Sandbox): Promise<Prepared>;
}

export interface NodeUnderTest {
	label: string;
	type: string;
	credentialType: string;
	/** The credential, with the proxy's origin in place of the sandbox's. */
	credentials(sandbox: Sandbox, proxy: FaultProxy): IDataObject;
	/** Request options every case uses: a short Timeout so that a hung server costs 2 s. */
	requestOptions?: IDataObject;
	operations: OperationCase[];
}

const UNCLEAR: FaultKind[] = [
	'resetBeforeBody',
	'resetAfterBody',
	'cutAfterHeaders',
	'cutMidBody',
	'cutMidStream',
	'noEndMarker',
	'stall',
	'hang',
	'empty200',
	'html200',
	'nonJson200',
	'emptyObject200',
	'burst5xx',
];

/** Whether a fault kind can happen to a target at all. */
export function applies(kind: FaultKind, target: Target): boolean {
	// An answer without a body has nothing to cut.
	if (target.nothing && (kind === 'cutAfterHeaders' || kind === 'cutMidBody')) return false;
	if (target.indistinguishable?.kinds.includes(kind)) return false;
	if (target.stream) {
		if (kind === 'cutMidBody') return false;
		// No framing and no end marker: text is a reply, and a clean end is the end.
		if (target.rawText && ['noEndMarker', 'nonJson200', 'emptyObject200'].includes(kind))
			return false;
		return true;
	}
	return !['cutMidStream', 'noEndMarker', 'stall'].includes(kind);
}

export type Outcome = 'ok' | 'error';

/** What the node must do under a fault of `kind` at `target`. */
export function expected(kind: FaultKind, target: Target): Outcome {
	if (target.recovers?.includes(kind)) return 'ok';
	const retried = target.role === 'read' || target.role === 'idempotent';
	switch (kind) {
		case 'byteByByte':
		case 'trickle':
		case 'retryAfterSeconds':
		case 'retryAfterDate':
			return 'ok';
		case 'retryAfterFar':
			return 'error';
		case 'resetBeforeBody':
		case 'resetAfterBody':
		case 'cutAfterHeaders':
		case 'cutMidBody':
		case 'hang':
		case 'burst5xx':
			return retried ? 'ok' : 'error';
		// A read asks again for a 200 that is not what it needs (issue 22): a page instead of a
		// stream too; what a stream's own protocol has to tell from an answer is the stream's.
		case 'html200':
			return target.role === 'read' ? 'ok' : 'error';
		case 'nonJson200':
			return target.role === 'read' && !target.stream ? 'ok' : 'error';
		case 'empty200':
		case 'emptyObject200':
			return target.nothing || (target.role === 'read' && !target.stream) ? 'ok' : 'error';
		default:
			return 'error';
	}
}

/** Messages that explain nothing, or leak internals or markup. */
const UNCLEAR_MESSAGE =
	/Cannot read prop|undefined|null is not|is not a function|TypeError|RangeError|Maximum call stack|\[object Object\]|<\/?[a-z][a-z0-9]*[\s>/]/i;

/**
 * Values that differ between two runs of the same operation: IDs, times, counts. Compared by
 * type only; every other string must be equal to the baseline's where the baseline's is a text
 * the operation produced from its input (an answer).
 */
const ANSWER_KEYS = new Set(['answer', 'content', 'text']);

/** How `actual` differs from `baseline`, as a list of problems (empty: the same shape). */
export function shapeProblems(baseline: unknown, actual: unknown, path = '$'): string[] {
	if (baseline === null || baseline === undefined) return [];
	if (actual === null || actual === undefined) return [`${path} is missing`];
	if (Array.isArray(baseline)) {
		if (!Array.isArray(actual)) return [`${path} is not a list`];
		if (baseline.length && !actual.length) return [`${path} is empty`];
		return baseline.length ? shapeProblems(baseline[0], actual[0], `${path}[0]`) : [];
	}
	if (typeof baseline === 'object') {
		if (typeof actual !== 'object' || Array.isArray(actual)) return [`${path} is not an object`];
		return Object.keys(baseline as IDataObject).flatMap((key) =>
			shapeProblems((baseline as IDataObject)[key], (actual as IDataObject)[key], `${path}.${key}`),
		);
	}
	if (typeof baseline !== typeof actual)
		return [`${path} is ${typeof actual}, not ${typeof baseline}`];
	if (typeof baseline === 'string') {
		const key = path.split('.').pop() ?? '';
		if (ANSWER_KEYS.has(key) && actual !== baseline)
			return [`${path} is "${String(actual).slice(0, 60)}", not the whole answer`];
		if (baseline !== '' && (actual === '' || actual === 'undefined' || actual === 'null'))
			return [`${path} is "${String(actual)}"`];
	}
	return [];
}

export interface CaseResult {
	outcome: Outcome;
	items: IDataObject[];
	error?: Error & { description?: string };
	elapsedMs: number;
	proxy: FaultProxy;
	/** Requests of this case that reached the sandbox. */
	reached: Array<{ method: string; path: string }>;
}

let caseCounter = 0;

/** Runs one operation of one node through a fresh proxy, with `rule` (if any) armed. */
export async function runCase(
	sandbox: Sandbox,
	node: NodeUnderTest,
	operation: OperationCase,
	fault?: { kind: FaultKind; target: Target },
): Promise<CaseResult> {
	const prepared = await operation.prepare(sandbox);
	const caseId = `case-${++caseCounter}-${Math.random().toString(36).slice(2, 8)}`;
	const proxy = await FaultProxy.start(sandbox.url!, caseId);
	if (fault) proxy.add({ kind: fault.kind, method: fault.target.method, path: fault.target.path });
	const started = Date.now();
	let result: NodeRunResult;
	try {
		result = await runNode({
			type: node.type,
			parameters: {
				...prepared.parameters,
				requestOptions: {
					...(node.requestOptions ?? {}),
					...((prepared.parameters.requestOptions as IDataObject) ?? {}),
				},
			},
			items: prepared.items,
			credentials: {
				[node.credentialType]: node.credentials(sandbox, proxy) as ICredentialDataDecryptedObject,
			},
		});
	} finally {
		await proxy.close();
	}
	const elapsedMs = Date.now() - started;
	const reached = sandbox.requests
		.filter((entry) => entry.headers['x-fault-case'] === caseId)
		.map(({ method, path }) => ({ method, path }));
	return {
		outcome: result.error ? 'error' : 'ok',
		items: result.items.map((item) => item.json),
		error: result.error,
		elapsedMs,
		proxy,
		reached,
	};
}

/** Everything wrong with a case's result; empty when every invariant holds. */
export function violations(
	kind: FaultKind,
	target: Target,
	result: CaseResult,
	baseline: IDataObject[],
): string[] {
	const problems: string[] = [];
	const want = expected(kind, target);
	if (!result.proxy.fired)
		problems.push('the fault never fired: the operation did not send the targeted request');
	if (result.outcome !== want) {
		problems.push(
			want === 'ok'
				? `expected success, got the error "${result.error?.message}"`
				: `expected an error, got success: ${JSON.stringify(result.items).slice(0, 300)}`,
		);
	}
	if (result.outcome === 'ok') {
		if (result.items.length !== baseline.length)
			problems.push(`${result.items.length} items instead of ${baseline.length}`);
		baseline.forEach((item, index) =>
			problems.push(...shapeProblems(item, result.items[index], `item ${index}`)),
		);
	} else {
		const message = String(result.error?.message ?? '');
		const description = String(result.error?.description ?? '');
		if (!message) problems.push('the error has no message');
		if (UNCLEAR_MESSAGE.test(message)) problems.push(`unclear message: ${message}`);
		if (message.length > 400) problems.push(`message of ${message.length} characters`);
		if (kind === 'html200' && !message.includes(BLOCK_PAGE_TITLE))
			problems.push(`the page title is not in "${message}"`);
		if (kind === 'burst5xx' && !message.includes(GATEWAY_PAGE_TITLE))
			problems.push(`the gateway page's title is not in "${message}"`);
		if (kind === 'retryAfterFar' && !/asks to wait 1 h/.test(message))
			problems.push(`"${message}" does not say how long the API asked to wait`);
		if (kind === 'hang' && !/did not answer .* within/.test(message))
			problems.push(`"${message}" does not say the server did not answer`);
		const unclear =
			UNCLEAR.includes(kind) && target.role !== 'read' && target.role !== 'idempotent';
		if (unclear && !/may (have|still)/i.test(`${message} ${description}`)) {
			problems.push(
				`a ${target.role} that may have happened is not said to have maybe happened: "${message}" / "${description}"`,
			);
		}
	}
	// Never repeated once it may have reached the server; never carried out twice.
	if (target.role === 'create' || target.role === 'answer' || target.role === 'change') {
		const sent = result.proxy.count(target.method, target.path);
		const carriedOut = result.reached.filter(
			(entry) => entry.method === target.method && target.path.test(entry.path),
		).length;
		if (UNCLEAR.includes(kind) && sent !== 1)
			problems.push(`the ${target.role} request was sent ${sent} times after an unclear failure`);
		if (carriedOut > 1)
			problems.push(`the ${target.role} request reached the sandbox ${carriedOut} times`);
	}
	if (result.elapsedMs > 15_000) problems.push(`took ${result.elapsedMs} ms`);
	return problems;
}

/** The cases of one node: each operation × each of its targets × each fault kind that applies. */
export function casesOf(
	node: NodeUnderTest,
): Array<{ title: string; operation: OperationCase; target: Target; kind: FaultKind }> {
	return node.operations.flatMap((operation) =>
		operation.targets.flatMap((target) =>
			FAULT_KINDS.filter((kind) => applies(kind, target)).map((kind) => ({
				title: `${operation.name} › ${target.method} ${target.path.source} › ${kind}`,
				operation,
				target,
				kind,
			})),
		),
	);
}

export interface SuiteStats {
	cases: number;
	failed: number;
	startedAt: number;
}

/**
 * Registers the suite of one node: fault-free baselines first (one per operation, which also
 * checks that each target is requested), then every case, concurrently (jest's maxConcurrency),
 * and a summary line with the number of cases and the time.
 */
export function defineFaultSuite(node: NodeUnderTest, sandboxOf: () => Sandbox): void {
	const baselines = new Map<string, IDataObject[]>();
	const cases = casesOf(node);
	const stats: SuiteStats = { cases: 0, failed: 0, startedAt: Date.now() };
	// Nothing may escape a node: no rejection that nobody handles, while any case runs.
	const escaped: string[] = [];
	const onEscape = (reason: unknown) => escaped.push(String((reason as Error)?.stack ?? reason));

	beforeAll(async () => {
		process.on('unhandledRejection', onEscape);
		stats.startedAt = Date.now();
		for (const operation of node.operations) {
			const result = await runCase(sandboxOf(), node, operation);
			if (result.error)
				throw new Error(`Baseline of ${operation.name} failed: ${result.error.message}`);
			for (const target of operation.targets) {
				if (!result.proxy.count(target.method, target.path)) {
					throw new Error(
						`Baseline of ${operation.name} never sent ${target.method} ${target.path.source}`,
					);
				}
			}
			baselines.set(operation.name, result.items);
		}
	}, 120_000);

	afterAll(() => {
		process.off('unhandledRejection', onEscape);
		expect(escaped).toEqual([]);
		const seconds = ((Date.now() - stats.startedAt) / 1000).toFixed(1);
		process.stdout.write(
			`\nFault suite, ${node.label}: ${node.operations.length} operations, ${cases.length} operation × fault cases, ${stats.failed} failed, ${seconds} s\n`,
		);
	});

	it.concurrent.each(cases)(
		'$title',
		async ({ operation, target, kind }) => {
			stats.cases++;
			const result = await runCase(sandboxOf(), node, operation, { kind, target });
			const problems = violations(kind, target, result, baselines.get(operation.name) ?? []);
			if (problems.length) stats.failed++;
			expect(problems).toEqual([]);
		},
		30_000,
	);
}
