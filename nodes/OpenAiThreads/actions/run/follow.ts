import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { failureError } from '../../../shared/errors';
import { AnswerForwarder } from '../../../shared/forward';
import { itemProgress, progressOf, withProgress } from '../../../shared/progress';
import type { WaitMode, WaitTiming } from '../../../shared/run-wait';
import {
	hasFailed,
	pollIntervalField,
	pollUntil,
	readWaitTiming,
	runFailed,
	stopsWaiting,
	WaitClock,
	waitModeField,
	waitTimedOut,
	waitTimeoutField,
} from '../../../shared/run-wait';
import type { SourceLine, SourceSection } from '../../../shared/sources';
import { formatSources, streamSourcesOption } from '../../../shared/sources';
import type { ByteStream } from '../../../shared/streams';
import { parseJsonObject, readChunks, SseParser, StreamError } from '../../../shared/streams';
import type { OpenAiThreadsClient } from '../../transport';
import { RUN_CONTRACT, RUN_STATUSES } from '../../transport';
import { contentText } from '../message/simplify';
import { pendingToolCalls } from './simplify';

/** How a run-starting operation waits for the run: its fields, shared by create, create-with-thread and submit. */
export const waitFields: INodeProperties[] = [
	waitModeField(
		[
			{ name: "Don't Wait", value: 'no', description: 'Output the run as created (queued)' },
			{
				name: 'By Polling',
				value: 'poll',
				description: 'Check the run until it ends or needs tool outputs',
			},
			{
				name: 'By Streaming',
				value: 'stream',
				description: 'Run with stream: true and collect the answer as it is generated',
			},
		],
		'poll',
	),
	{
		displayName: 'Wait Options',
		name: 'waitOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { hide: { waitForCompletion: ['no'] } },
		options: [
			pollIntervalField('checks of the run'),
			{
				...streamSourcesOption,
				description:
					'Whether a streamed webhook response ends with the files the answer cites (file_citation and file_path annotations: file ID and the marker it replaces), sent after the text as plain text. The text itself, markers included, is never changed.',
				displayOptions: { show: { '/waitForCompletion': ['stream'] } },
			},
			waitTimeoutField('the run', {
				note: 'The run itself goes on. Retries and Retry-After waits count against it.',
			}),
		],
	},
];

interface WaitSettings extends WaitTiming {
	mode: WaitMode;
}

export function readWait(context: IExecuteFunctions, itemIndex: number): WaitSettings {
	const options = context.getNodeParameter('waitOptions', itemIndex, {}) as IDataObject;
	return {
		mode: context.getNodeParameter('waitForCompletion', itemIndex, 'poll') as WaitMode,
		...readWaitTiming(context, options, 'Wait Options'),
	};
}

/** The text of assistant messages, in order. */
function messageText(messages: IDataObject[]): string {
	return messages
		.filter((message) => message.role === 'assistant')
		.map(contentText)
		.filter(Boolean)
		.join('\n\n');
}

/**
 * Starts a run (`path` + `body`) and, as asked, waits for it: by polling its status, or by
 * streaming it. Ends at a terminal status or at `requires_action`, whose tool calls are then
 * in the output for the workflow to answer with Submit Tool Outputs.
 */
export async function startRun(
	this: IExecuteFunctions,
	client: OpenAiThreadsClient,
	itemIndex: number,
	path: string,
	body: IDataObject,
): Promise<IDataObject> {
	const wait = readWait(this, itemIndex);
	const started = Date.now();
	const requestsBefore = client.api.requestsSent;
	// Under "Retry On Fail" a retry waits for the run the failed try started (known from the
	// create response, or from the stream before it broke) instead of starting another.
	const steps = itemProgress(this, itemIndex);
	const recorded = steps.recall<IDataObject>('run');
	const unclear =
		"A run may have been started: look at the thread's runs (Run > Get Many) before starting another.";
	return await steps.buildOn(
		'run',
		async () => {
			let run: IDataObject;
			let answer: string | undefined;
			if (!recorded && wait.mode === 'stream') {
				({ run, answer } = await streamRun
					.call(this, await client.stream(path, body, itemIndex, unclear), itemIndex)
					.catch((error: Error) => {
						// Its state is unknown: the retry asks the run itself (a failed one is then forgotten).
						const { run_id: id, thread_id: threadId } = progressOf(error);
						if (id) steps.remember('run', { id, thread_id: threadId, status: 'in_progress' });
						throw error;
					}));
			} else {
				run =
					recorded ??
					(await steps.once(
						'run',
						async () =>
							await client.call<IDataObject>('POST', path, {
								body,
								itemIndex,
								expect: RUN_CONTRACT,
								unclear,
							}),
					));
				if (wait.mode === 'no') return run;
				run = await pollRun.call(this, client, run, wait, itemIndex);
			}
			return await finish.call(this, client, run, answer, itemIndex, {
				mode: wait.mode,
				requests: client.api.requestsSent - requestsBefore,
				duration_ms: Date.now() - started,
			});
		},
		// A run that failed will not answer any more: a retry has to start a new one.
		(error) => hasFailed(RUN_STATUSES, progressOf(error).status),
	);
}

async function pollRun(
	this: IExecuteFunctions,
	client: OpenAiThreadsClient,
	created: IDataObject,
	wait: WaitSettings,
	itemIndex: number,
) {
	const clock = new WaitClock(wait);
	const path = `/threads/${encodeURIComponent(String(created.thread_id))}/runs/${encodeURIComponent(String(created.id))}`;
	return await pollUntil(this, clock, {
		first: created,
		done: (run) => stopsWaiting(RUN_STATUSES, run.status),
		// Retries and Retry-After waits of a check count against the wait's timeout.
		check: async () =>
			await client.call<IDataObject>('GET', path, {
				itemIndex,
				expect: RUN_CONTRACT,
				deadline: clock.deadline,
			}),
		timedOut: (run) =>
			waitTimedOut(this.getNode(), wait, {
				subject: `Run ${String(run.id)}`,
				state: `; it is still ${String(run.status)}`,
				description:
					'The run goes on: pick it up later with Run > Get, cancel it with Run > Cancel, or raise the Wait Timeout.',
				itemIndex,
				progress: {
					run_id: run.id as string,
					thread_id: run.thread_id as string,
					status: run.status as string,
				},
			}),
	});
}

/**
 * The files an answer cites, from its text annotations: `file_citation` (file_search) under
 * "Sources", `file_path` (files code_interpreter wrote) under "Files", one line per file with
 * the marker(s) that stand for it in the text. Annotations carry file IDs only, no names.
 */
function annotationSections(annotations: IDataObject[]): SourceSection[] {
	const byFile = (type: string, key: string, verb: string): SourceLine[] => {
		const markers = new Map<string, string[]>();
		for (const annotation of annotations.filter((entry) => entry.type === type)) {
			const fileId = (annotation[key] as IDataObject | undefined)?.file_id;
			if (typeof fileId !== 'string' || !fileId) continue;
			const list = markers.get(fileId) ?? [];
			if (typeof annotation.text === 'string' && annotation.text && !list.includes(annotation.text))
				list.push(annotation.text);
			markers.set(fileId, list);
		}
		return [...markers].map(([fileId, texts]) => ({
			title: fileId,
			detail: texts.length ? `${verb} ${texts.join(', ')}` : '',
		}));
	};
	return [
		{ heading: 'Sources', lines: byFile('file_citation', 'file_citation', 'cited as') },
		{ heading: 'Files', lines: byFile('file_path', 'file_path', 'linked as') },
	];
}

/** The annotations of the text parts of a message or message delta. */
function partAnnotations(content: unknown): IDataObject[] {
	return ((Array.isArray(content) ? content : []) as IDataObject[])
		.filter((part) => part.type === 'text')
		.flatMap(
			(part) =>
				((part.text as IDataObject | undefined)?.annotations as IDataObject[] | undefined) ?? [],
		);
}

/**
 * Reads a run's SSE stream: `thread.run.*` events carry the run, `thread.message.delta` the
 * text (and annotations as they appear), `thread.message.completed` a message's final
 * annotations, `error` a failure, `done` the end; every other event is ignored, as the format asks.
 */
async function streamRun(
	this: IExecuteFunctions,
	stream: ByteStream,
	itemIndex: number,
): Promise<{ run: IDataObject; answer: string }> {
	const forwarder = new AnswerForwarder(this, itemIndex);
	const parser = new SseParser();
	let run: IDataObject | undefined;
	let answer = '';
	let failure: IDataObject | undefined;
	let done = false;
	// Per message, in order: annotations from its deltas, replaced by its completed version.
	const annotations = new Map<string, IDataObject[]>();
	const take = (event: string, data: string) => {
		if (event === 'done') {
			done = true;
			return;
		}
		const payload = parseJsonObject(data);
		if (!payload) return;
		if (event === 'error') failure = (payload.error as IDataObject) ?? payload;
		else if (event.startsWith('thread.run.') && payload.object === 'thread.run') run = payload;
		else if (event === 'thread.message.completed' && payload.role === 'assistant') {
			annotations.set(String(payload.id), partAnnotations(payload.content));
		} else if (event === 'thread.message.delta') {
			const found = partAnnotations((payload.delta as IDataObject)?.content);
			if (found.length)
				annotations.set(String(payload.id), [
					...(annotations.get(String(payload.id)) ?? []),
					...found,
				]);
			for (const part of ((payload.delta as IDataObject)?.content as IDataObject[]) ?? []) {
				const text = (part.text as IDataObject | undefined)?.value;
				if (part.type === 'text' && typeof text === 'string') {
					answer += text;
					forwarder.send(text);
				}
			}
		}
	};
	forwarder.begin();
	let broken: string | undefined;
	try {
		for await (const chunk of readChunks(stream)) {
			parser.push(chunk).forEach((event) => take(event.event, event.data));
			if (done || failure) break;
		}
		if (!done && !failure) parser.end().forEach((event) => take(event.event, event.data));
	} catch (error) {
		broken = error instanceof StreamError ? error.message : String(error);
	} finally {
		stream.destroy();
	}
	const progress = run ? { run_id: run.id as string, thread_id: run.thread_id as string } : {};
	const status = String(run?.status ?? '');
	// The protocol's end: `done`, or the run in a state it leaves only on a new request.
	const ended = done || stopsWaiting(RUN_STATUSES, status);
	if (failure) {
		throw withProgress(
			failureError(
				this.getNode(),
				'error_event',
				`The run stream reported an error: ${String(failure.message ?? JSON.stringify(failure))}`,
				{ itemIndex },
			),
			progress,
		);
	}
	if (broken || !run || !ended) {
		const why = broken
			? `: ${broken}`
			: `, without its "done" event${run ? ` (the run was last ${status})` : ''}`;
		throw withProgress(
			failureError(
				this.getNode(),
				broken ? 'interrupted' : 'incomplete',
				`The run stream ended before the run did${why}`,
				{
					description:
						'The partial answer is discarded. The run may still be going: check it with Run > Get before starting it again.',
					itemIndex,
				},
			),
			progress,
		);
	}
	if (!forwarder.forwarding) return { run, answer };
	// A run that failed or was stopped is reported as an error next: its stream must not look finished.
	if (hasFailed(RUN_STATUSES, run.status)) return { run, answer };
	if (
		run.status === 'completed' &&
		this.getNodeParameter('waitOptions.streamSources', itemIndex, true) !== false
	) {
		forwarder.trailer(formatSources(annotationSections([...annotations.values()].flat())));
	}
	forwarder.end();
	return { run, answer };
}

async function finish(
	this: IExecuteFunctions,
	client: OpenAiThreadsClient,
	run: IDataObject,
	streamedAnswer: string | undefined,
	itemIndex: number,
	wait: IDataObject,
): Promise<IDataObject> {
	const status = String(run.status);
	if (hasFailed(RUN_STATUSES, status)) {
		const lastError = run.last_error as IDataObject | null;
		throw runFailed(this.getNode(), {
			subject: `Run ${String(run.id)}`,
			status,
			detail: lastError ? `: ${String(lastError.code)}: ${String(lastError.message)}` : '',
			description:
				status === 'failed'
					? 'The server could not complete the run; last_error says why.'
					: 'The run was stopped before it finished.',
			itemIndex,
			progress: {
				run_id: run.id as string,
				thread_id: run.thread_id as string,
				status,
				last_error: lastError,
			},
		});
	}
	// What the workflow reads next comes first: the editor shows an item's keys in order.
	if (status === 'requires_action')
		return { tool_calls: pendingToolCalls(run) ?? [], ...run, wait };
	let answer = streamedAnswer;
	if (answer === undefined) {
		const messages = await client.paginate(
			`/threads/${encodeURIComponent(String(run.thread_id))}/messages`,
			{ run_id: run.id, order: 'asc' },
			{ returnAll: true, limit: 0, itemIndex },
		);
		answer = messageText(messages);
	}
	return { answer, ...run, wait };
}
