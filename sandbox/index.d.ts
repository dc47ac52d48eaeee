// Types for the plain-JS sandbox, so TypeScript tests can use it with checking.
import type { EventEmitter } from 'events';

export interface WindowLimits {
	perSecond?: number | null;
	perMinute?: number | null;
}

export interface HaufeOptions {
	apiKeys?: string[];
	streamChunkDelayMs?: number;
	maxPageSize?: number;
	/** ms until an uploaded file is PROCESSED; null or -1 = never. */
	fileProcessingMs?: number | null;
	/** 0/null for a window disables it; rateLimits: null disables all. */
	rateLimits?: { answer?: WindowLimits | null; general?: WindowLimits | null } | null;
	responseDelayMs?: number;
}

export interface SandboxOptions {
	port?: number;
	haufe?: HaufeOptions;
}

export interface RunRecord {
	threadId: string | null;
	messageId: string;
	at: number;
	endpoint: 'run' | 'run/stream' | 'chat/completions' | 'chat/completions/stream';
	assistantId: string;
	body: Record<string, unknown>;
}

export interface HaufeStats {
	runs: RunRecord[];
	runsByThread: Map<string, number>;
	answerRequests: number;
	rateLimited: number;
}

/** Records as stored (the JSON shapes of the API; `any` keeps test code short). */
export interface HaufeState {
	assistants: Array<Record<string, any>>;
	threads: Map<string, Record<string, any>>;
	messages: Map<string, Array<Record<string, any>>>;
	files: Map<string, Record<string, any>>;
}

export interface HaufeSandbox {
	readonly baseUrl: string;
	readonly uploadUrl: string;
	assistantIds: { hr: string; tax: string };
	options: Required<HaufeOptions>;
	state: HaufeState;
	stats: HaufeStats;
	configure(partial: HaufeOptions): void;
}

export interface RequestLogEntry {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	/** null when no response was sent (e.g. a 'reset' fault). */
	status: number | null;
	at: number;
	fault?: FaultKind;
	aborted?: boolean;
	durationMs?: number;
}

export type FaultKind = 'status' | 'slow' | 'reset' | 'cutStream' | 'malformedLine';

export interface FaultSpec {
	method?: string;
	/** A RegExp, or a string taken as a regular-expression source. Omitted = any path. */
	path?: RegExp | string;
	kind: FaultKind;
	/** Default 1; -1, 0 or Infinity = until cleared. */
	times?: number;
	status?: number;
	body?: unknown;
	retryAfter?: number | string;
	headers?: Record<string, string>;
	delayMs?: number;
	afterChunks?: number;
}

export interface FaultRegistry {
	add(spec: FaultSpec): number;
	remove(id: number): boolean;
	clear(): void;
	list(): Array<FaultSpec & { id: number; remaining: number }>;
}

export interface Sandbox extends EventEmitter {
	url: string;
	port: number;
	haufe: HaufeSandbox;
	requests: RequestLogEntry[];
	faults: FaultRegistry;
	reset(): void;
	close(): Promise<void>;
}

export function startSandbox(options?: SandboxOptions): Promise<Sandbox>;

export const HAUFE_PREFIX: string;
export const HAUFE_ASSISTANT_IDS: { hr: string; tax: string };
export const HAUFE_ANSWER_TYPE_ID: string;
