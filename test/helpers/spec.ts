/**
 * What the sandbox's spec checks found (sandbox/spec.js): every request to the OpenAI-style,
 * Griptape and Haufe mounts is checked against the vendor's document and logged with
 * `spec: {operation, rejected, errors, undocumented, responseErrors}`.
 */
import type { RequestLogEntry, Sandbox } from '../../sandbox';

export interface SpecFindings {
	/** Requests the document rejects: "METHOD path: field keyword message". */
	rejected: string[];
	/** Query parameters and body fields the document does not name (accepted, but undocumented). */
	undocumented: string[];
	/** Answers and streamed events of the sandbox that do not match the document's response schemas. */
	responseErrors: string[];
	/** Requests to a checked API that matched no operation of its document. */
	unmatched: string[];
	/** The operations the checked requests matched, in order. */
	operations: string[];
}

const CHECKED_PREFIXES = ['/openai/v1', '/griptape/api', '/haufe/agents/v1'];

export function specFindings(
	sandbox: Sandbox,
	entries: RequestLogEntry[] = sandbox.requests,
): SpecFindings {
	const findings: SpecFindings = {
		rejected: [],
		undocumented: [],
		responseErrors: [],
		unmatched: [],
		operations: [],
	};
	for (const entry of entries) {
		if (!CHECKED_PREFIXES.some((prefix) => entry.path.startsWith(prefix))) continue;
		const label = `${entry.method} ${entry.path}`;
		const spec = entry.spec;
		// Auth failures and unknown routes are answered before the document is consulted.
		if (!spec || !spec.operation) {
			if (entry.status !== 401 && entry.status !== 404)
				findings.unmatched.push(`${label} (${entry.status})`);
			continue;
		}
		findings.operations.push(spec.operation);
		if (spec.rejected)
			findings.rejected.push(
				...spec.errors.map((e) => `${label}: ${e.path || '(body)'} ${e.keyword} ${e.message}`),
			);
		findings.undocumented.push(...spec.undocumented.map((message) => `${label}: ${message}`));
		findings.responseErrors.push(...spec.responseErrors.map((message) => `${label}: ${message}`));
	}
	return findings;
}

/** Fails with every finding listed, so a failing test says what the document objected to. */
export function expectSpecClean(sandbox: Sandbox, entries?: RequestLogEntry[]): SpecFindings {
	const findings = specFindings(sandbox, entries);
	expect({
		rejected: findings.rejected,
		undocumented: findings.undocumented,
		responseErrors: findings.responseErrors,
		unmatched: findings.unmatched,
	}).toEqual({
		rejected: [],
		undocumented: [],
		responseErrors: [],
		unmatched: [],
	});
	return findings;
}
