/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
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

export interface GriptapeOptions {
	/** Bearer tokens accepted (keys created through the API are accepted too, until deleted). */
	apiKeys?: string[];
	/** ms between the run statuses QUEUED -> STARTING -> RUNNING. */
	runStepMs?: number;
	/** ms between TextChunkEvents while RUNNING (and before the final events). */
	tokenDelayMs?: number;
	/** Cap of page_size for paged lists. */
	maxPageSize?: number;
	/** Cap of `limit` for event lists. */
	maxEventPageSize?: number;
	/** Whether a thread alias may be used once only (409 Conflict on a second use; default true). */
	uniqueAliases?: boolean;
}

export interface SandboxOptions {
	port?: number;
	haufe?: HaufeOptions;
	griptape?: GriptapeOptions;
	openai?: OpenAiOptions;
	agentChat?: AgentChatOptions;
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
	/**
	 * Measurement only: when each stream wrote its first text chunk (ms since the epoch, from
	 * performance.timeOrigin + performance.now(), so sub-millisecond), by thread.
	 */
	firstChunks: Array<{ threadId: string | null; at: number }>;
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

export type GriptapeRunStatus =
	| 'QUEUED'
	| 'STARTING'
	| 'RUNNING'
	| 'SUCCEEDED'
	| 'FAILED'
	| 'ERROR'
	| 'CANCELLED';

export interface GriptapeArtifact {
	type: 'TextArtifact';
	value: string;
	meta: Record<string, unknown>;
}

export interface GriptapeRun {
	assistant_run_id: string;
	assistant_id: string;
	args: string[];
	input: string;
	status: GriptapeRunStatus;
	status_detail: Record<string, any> | null;
	stream: boolean;
	/** Absent when the run has no thread (the document types it as a string, never null). */
	thread_id?: string;
	knowledge_base_ids: string[];
	ruleset_ids: string[];
	structure_ids: string[];
	tool_ids: string[];
	retriever_ids: string[];
	output: GriptapeArtifact | null;
	created_at: string;
	updated_at: string;
	completed_at: string | null;
	created_by: string;
	/** The request body as sent (not part of the JSON). */
	readonly body: Record<string, any>;
	/** The structure run doing the work, on every event of the run (not part of the JSON). */
	readonly structure_run_id: string;
}

export interface GriptapeEvent {
	event_id: string;
	type: string;
	/** 'ASSISTANT' | 'SYSTEM' for assistant runs; 'SYSTEM' | 'USER' for structure runs. */
	origin: string;
	payload: any;
	/** Epoch seconds (float). */
	timestamp: number;
	created_at: string;
	/** Only on an assistant run's events. */
	assistant_run_id?: string;
	/** On every event (an assistant run's events name the run's own structure run). */
	structure_run_id: string;
}

/** Records as stored (the JSON shapes of the API; `any` keeps test code short). */
export interface GriptapeState {
	assistants: Map<string, Record<string, any>>;
	runs: Map<string, GriptapeRun>;
	/** Every event of every run, in creation order. */
	events: GriptapeEvent[];
	threads: Map<string, Record<string, any>>;
	/** thread_id -> messages, oldest first. */
	messages: Map<string, Array<Record<string, any>>>;
	apiKeys: Map<string, Record<string, any>>;
	users: Map<string, Record<string, any>>;
	/** The seeded structure run, and one per assistant run (with its assistant_run_id). */
	structureRuns: Map<
		string,
		{ structure_run_id: string; created_at: string; assistant_run_id?: string }
	>;
}

export interface GriptapeStats {
	runsCreated: number;
	/** GET .../events requests (assistant and structure runs), faults and errors included. */
	eventListRequests: number;
	/** GET .../events/stream requests, faults and errors included. */
	streamRequests: number;
	cancelled: number;
}

export interface GriptapeIds {
	assistants: readonly [string, string, string];
	organizationId: string;
	userIds: readonly [string, string];
	apiKeyIds: readonly [string, string];
	structureRunId: string;
}

export interface GriptapeSandbox {
	/** http://127.0.0.1:PORT/griptape/api */
	readonly baseUrl: string;
	ids: GriptapeIds;
	options: Required<GriptapeOptions>;
	state: GriptapeState;
	stats: GriptapeStats;
	configure(partial: GriptapeOptions): void;
	/**
	 * Creates a run exactly as POST /assistants/{id}/runs does (lifecycle included).
	 * Throws an Error with `status` (404/422) and `body` ({type, errors}) on a bad request.
	 */
	createRun(assistantId: string, body?: Record<string, unknown>): GriptapeRun;
}

export interface OpenAiOptions {
	/** Bearer tokens accepted. */
	apiKeys?: string[];
	/** ms between run statuses (queued -> in_progress -> answer / requires_action / failed; cancelling -> cancelled). */
	runStepMs?: number;
	/** ms between thread.message.delta events (one per word). */
	tokenDelayMs?: number;
	/** Cap of `limit` for lists (values outside 1..100 are a 400 regardless). */
	maxPageSize?: number;
}

export type OpenAiRunStatus =
	| 'queued'
	| 'in_progress'
	| 'requires_action'
	| 'cancelling'
	| 'cancelled'
	| 'failed'
	| 'completed'
	| 'incomplete'
	| 'expired';

export interface OpenAiToolCall {
	id: string;
	type: 'function';
	function: { name: string; arguments: string };
}

export interface OpenAiRun {
	id: string;
	object: 'thread.run';
	created_at: number;
	thread_id: string;
	assistant_id: string;
	status: OpenAiRunStatus;
	required_action: {
		type: 'submit_tool_outputs';
		submit_tool_outputs: { tool_calls: OpenAiToolCall[] };
	} | null;
	last_error: { code: string; message: string } | null;
	expires_at: number | null;
	started_at: number | null;
	completed_at: number | null;
	cancelled_at: number | null;
	failed_at: number | null;
	model: string;
	instructions: string;
	tools: Array<Record<string, any>>;
	metadata: Record<string, string>;
	usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
	[field: string]: any;
}

export interface OpenAiMessage {
	id: string;
	object: 'thread.message';
	created_at: number;
	thread_id: string;
	status: 'in_progress' | 'completed' | 'incomplete';
	role: 'user' | 'assistant';
	content: Array<Record<string, any>>;
	attachments: Array<{ file_id: string; tools: Array<{ type: string }> }>;
	metadata: Record<string, string>;
	assistant_id: string | null;
	run_id: string | null;
	[field: string]: any;
}

/** Records as stored (the JSON shapes of the API). */
export interface OpenAiState {
	assistants: Map<string, Record<string, any>>;
	threads: Map<string, Record<string, any>>;
	/** thread id -> messages, oldest first. */
	messages: Map<string, OpenAiMessage[]>;
	runs: Map<string, OpenAiRun>;
	/** run id -> run steps, oldest first. */
	steps: Map<string, Array<Record<string, any>>>;
}

export interface OpenAiStats {
	runsCreated: number;
	/** Accepted submit_tool_outputs requests. */
	toolOutputsSubmitted: number;
	/** Streamed responses started (create run, create thread and run, submit_tool_outputs). */
	streams: number;
	/** Accepted cancel requests. */
	cancelled: number;
}

export interface OpenAiIds {
	/** Plain assistant, no tools. */
	assistant: string;
	/** Assistant with the get_weather function tool. */
	toolAssistant: string;
}

export interface OpenAiSandbox {
	/** http://127.0.0.1:PORT/openai/v1 */
	readonly baseUrl: string;
	ids: OpenAiIds;
	options: Required<OpenAiOptions>;
	state: OpenAiState;
	stats: OpenAiStats;
	configure(partial: OpenAiOptions): void;
	/** The newest run of a thread, or null. */
	runFor(threadId: string): OpenAiRun | null;
}

export interface AgentChatUser {
	email: string;
	password: string;
	/** An active MFA device: the right password answers 302 to <site>/auth/mfa/verify/ with a session that is not logged in. */
	mfa?: boolean;
	/** A Stripe customer's units; 0 or less: every message and upload gets the billing sentence. Undefined: not billed. */
	unitsRemaining?: number;
	/** false: the login form is shown again, as for a wrong password. */
	active?: boolean;
}

export interface AgentChatOptions {
	users?: AgentChatUser[];
	/** Where grit.agent.urls is mounted under the site: '/agent' (default), '' for the site's root. */
	apiPath?: string;
	/** Django's DEBUG: technical 404/500 pages ("Page not found at …", "<Exception> at …"). */
	debug?: boolean;
	/** ms between streamed text deltas (one word each). */
	chunkDelayMs?: number;
	/** SESSION_COOKIE_AGE in ms (two weeks); read at each request. */
	sessionTtlMs?: number;
}

export interface AgentChatHistoryEntry {
	/** 'user' | 'assistant' | 'user_image' (one per page of an uploaded file). */
	role: string;
	/** null for the assistant message stored after a stream error. */
	content: string | null;
	metadata?: Record<string, any>;
}

/** A ConversationMemory row: stored by a thread's first run or upload, per user. */
export interface AgentChatMemory {
	thread_id: string;
	user_id: number;
	owner: string;
	/** The agent that answers in this thread, whatever model_id a run names. */
	current_agent_id: string | null;
	conversation_history: AgentChatHistoryEntry[];
	/** Order of last change (updated_at). */
	updated: number;
}

export interface AgentChatState {
	sessions: Map<string, { data: Record<string, string>; expiresAt: number }>;
	/** `${userId} ${threadId}` -> memory. */
	memories: Map<string, AgentChatMemory>;
	/** Agents by id, in the order stored (the first one takes uploads). */
	agents: Map<
		string,
		{ id: string; name: string; recordUsageForPayment: boolean; metadata: Record<string, any> }
	>;
}

export interface AgentChatStats {
	logins: number;
	/** Logins that were sent on to the MFA page. */
	mfaLogins: number;
	failedLogins: number;
	/** CSRF failures: 403 on the API, the redirect back to the login page on forms. */
	csrfRejections: number;
	/** 406 answers to an Accept header without JSON. */
	notAcceptable: number;
	/** threads/runs requests that reached the stream. */
	runs: number;
	uploads: number;
}

export interface AgentChatIds {
	models: readonly [string, string, string];
	/** The agent default-config names. */
	defaultModel: string;
	/** The agent uploads use (Agent.objects.all().first()). */
	firstModel: string;
}

export interface AgentChatSandbox {
	/** http://127.0.0.1:PORT/agentchat: <siteUrl>/auth/login/ is the login page. */
	readonly siteUrl: string;
	/** '/agent' unless configured. */
	readonly apiPath: string;
	/** <siteUrl><apiPath>: <apiUrl>/api/threads/list lists the threads. */
	readonly apiUrl: string;
	ids: AgentChatIds;
	/** A copy with passwords shown as '***'. */
	readonly options: Required<AgentChatOptions>;
	state: AgentChatState;
	stats: AgentChatStats;
	configure(partial: AgentChatOptions): void;
	/** Every session ends: the API answers 403 until the client logs in again. */
	expireSessions(): void;
	/** The stored threads of one user (default user@example.com), by thread id. */
	threadsOf(email?: string): Map<string, AgentChatMemory>;
	thread(threadId: string, email?: string): AgentChatMemory | undefined;
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
	/** What the check against the vendor's document found (OpenAI-style, Griptape, Haufe mounts; see spec.js). */
	spec?: SpecCheck;
}

export interface SpecCheck {
	/** The document's operationId, or null when the request matched none. */
	operation: string | null;
	/** Whether the request was refused for what the document does not allow. */
	rejected: boolean;
	errors: Array<{ in: string; path: string; keyword: string; message: string }>;
	/** Query parameters and body fields the document does not name (accepted). */
	undocumented: string[];
	/** Where the sandbox's answer or streamed events differ from the document's response schemas. */
	responseErrors: string[];
}

export type FaultKind = 'status' | 'slow' | 'reset' | 'cutStream' | 'malformedLine';

export interface FaultSpec {
	method?: string;
	/** A RegExp, or a string taken as a regular-expression source. Omitted = any path. */
	path?: RegExp | string;
	kind: FaultKind;
	/** Default 1; -1, 0 or Infinity = until cleared. */
	times?: number;
	/** Matching requests let through before the fault fires (default 0). */
	skip?: number;
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
	griptape: GriptapeSandbox;
	openai: OpenAiSandbox;
	agentChat: AgentChatSandbox;
	requests: RequestLogEntry[];
	faults: FaultRegistry;
	reset(): void;
	close(): Promise<void>;
}

export function startSandbox(options?: SandboxOptions): Promise<Sandbox>;

export const HAUFE_PREFIX: string;
export const HAUFE_ASSISTANT_IDS: { hr: string; tax: string };
export const HAUFE_ANSWER_TYPE_ID: string;
export const GRIPTAPE_PREFIX: string;
export const GRIPTAPE_IDS: GriptapeIds;
export const OPENAI_PREFIX: string;
export const OPENAI_IDS: OpenAiIds;
export const AGENT_CHAT_PREFIX: string;
export const AGENT_CHAT_IDS: AgentChatIds;
