import type { IDataObject, IExecuteFunctions, NodeApiError } from 'n8n-workflow';

import { failureError } from './errors';
import { withProgress } from './progress';
import { runsAsTool } from './tool';

/**
 * Whether an answer goes to the caller as it arrives: when the workflow streams its webhook
 * response (n8n's "Respond to Webhook: Streaming"), and only on the workflow's main path. A
 * tool (of an AI Agent, or of the MCP Server Trigger) returns its answer to whoever called it:
 * the agent writes its own reply into the stream, so the tool's text would appear twice.
 */
export function forwardsAnswer(context: IExecuteFunctions): boolean {
	return context.isStreaming?.() === true && !runsAsTool(context);
}

/** How a streamed answer arrived: in the output of the operations that read one. */
export interface StreamFigures extends IDataObject {
	chunks: number;
	time_to_first_chunk_ms: number | null;
	duration_ms: number;
}

/**
 * Forwards one item's answer stream to the caller: a `begin` chunk, the text as `item` chunks,
 * then the sources trailer (sources.ts) and the `end` chunk once the answer is complete. It
 * counts the pieces of text received and times the first, whether or not it forwards them.
 * A failed stream gets no `end`: n8n sends the caller its `error` chunk when the node fails,
 * so a broken answer never looks finished.
 */
export class AnswerForwarder {
	/** Whether chunks go to the caller; decided once, by `forwardsAnswer`. */
	readonly forwarding: boolean;

	/** Pieces of text received so far (forwarded or not). */
	chunks = 0;

	private firstChunkAt: number | undefined;

	private textSent = false;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly itemIndex: number,
		private readonly started = Date.now(),
	) {
		this.forwarding = forwardsAnswer(context);
	}

	begin(): void {
		if (this.forwarding) void this.context.sendChunk('begin', this.itemIndex);
	}

	/** A piece of the answer's text arrived: counted, and the first one timed. */
	received(): void {
		this.chunks++;
		this.firstChunkAt ??= Date.now();
	}

	/** Text for the caller, as it is (when forwarding). */
	send(text: string): void {
		if (!this.forwarding) return;
		if (text) this.textSent = true;
		void this.context.sendChunk('item', this.itemIndex, text);
	}

	/**
	 * The trailing text (formatSources) as one more `item` chunk, separated from the answer by a
	 * blank line (none when no text was sent). Only after the stream ended well, before `end`.
	 */
	trailer(text: string): void {
		if (!this.forwarding || !text) return;
		void this.context.sendChunk('item', this.itemIndex, this.textSent ? `\n\n${text}` : text);
	}

	end(): void {
		if (this.forwarding) void this.context.sendChunk('end', this.itemIndex);
	}

	figures(): StreamFigures {
		return {
			chunks: this.chunks,
			time_to_first_chunk_ms:
				this.firstChunkAt === undefined ? null : this.firstChunkAt - this.started,
			duration_ms: Date.now() - this.started,
		};
	}

	/**
	 * The error for an answer stream that broke off: it names how far the answer got, and no
	 * answer is reported (the partial text is discarded).
	 */
	brokeOff(
		subject: string,
		options: { kind: string; description: string; progress: IDataObject; detail?: string },
	): NodeApiError {
		return withProgress(
			failureError(
				this.context.getNode(),
				options.kind,
				`${subject} broke off after ${this.chunks} chunks; no answer is reported${options.detail ?? ''}`,
				{ description: options.description, itemIndex: this.itemIndex },
			),
			options.progress,
		);
	}
}
