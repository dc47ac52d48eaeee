import type { NodeApiError } from 'n8n-workflow';

import { contractViolation, streamViolation } from '../contracts';
import { contractError, describeBody } from '../errors';
import type { ByteStream } from '../streams';
import { readStreamToBuffer, StreamError, withFirstChunk, withIdleLimit } from '../streams';
import { ExecutionCancelledError } from '../wait';
import { headerValue } from './headers';
import type { RetrySettings } from './policy';
import { describeTarget } from './send';
import type { ApiRequest, ApiResponse, FullResponse, RequestContext } from './types';

/** What is read of an error body (or a page where a stream was expected), at most. */
const ERROR_BODY_BYTES = 64 * 1024;
/**
 * How long an error body may stay silent before it is given up (or the timeout, if shorter):
 * the status code alone is enough to report, so a body that never ends must not hold that up.
 */
const ERROR_BODY_IDLE_MS = 10_000;

/**
 * The outcome of accepting a successful status: the response for the operation, or a stream whose
 * body broke off (`ERR_BAD_RESPONSE`) or stayed silent (`ETIMEDOUT`) before its first byte: then
 * the request failed and nothing of the answer was read.
 */
export type Accepted<T> =
	| { kind: 'accepted'; response: ApiResponse<T> }
	| { kind: 'brokeAtOnce'; code: 'ERR_BAD_RESPONSE' | 'ETIMEDOUT' }
	/** Not what the operation needs: `error` names what came back (the retry policy decides). */
	| { kind: 'violation'; error: NodeApiError };

/** Who is accepting the response, for the error that names a response that is not what was needed. */
export interface Acceptor {
	context: RequestContext;
	service: string;
	/** The client's own timeout, which bounds the reading of an error body. */
	clientTimeoutMs: number;
}

/**
 * A successful response, if it is what the operation needs (see contracts.ts); a contract error
 * (naming the operation, the status and what came back) if it is not, for the retry policy to
 * report or to answer with a retry.
 */
export async function accept<T>(
	acceptor: Acceptor,
	response: FullResponse,
	request: ApiRequest,
	settings: RetrySettings,
	unclear: string | undefined,
): Promise<Accepted<T>> {
	const { context } = acceptor;
	const contract = request.expect;
	const contentType = headerValue(response.headers ?? {}, 'content-type');
	const fail = (problem: string) =>
		contractError(context.getNode(), {
			service: acceptor.service,
			operation: operationOf(context),
			method: request.method,
			target: describeTarget(request.url),
			status: response.statusCode,
			what: contract.what,
			problem,
			itemIndex: request.itemIndex,
			unclear,
		});
	if (request.responseType === 'stream') {
		const body = response.body as ByteStream;
		if (streamViolation(contract, contentType)) {
			const page = await readErrorBody(acceptor, response);
			return { kind: 'violation', error: fail(`got ${describeBody(page, contentType)}`) };
		}
		const limited = withIdleLimit(
			body,
			request.idleTimeoutMs ?? settings.timeoutMs,
			context,
			request.deadline,
		);
		// Only a stream that delivered something is an answer that arrived; one cut right after
		// its headers is a failed request (retried when that is safe).
		return await withFirstChunk(limited).then(
			(started): Accepted<T> => ({
				kind: 'accepted',
				response: { ...response, body: started as T },
			}),
			(error: Error): Accepted<T> => {
				if (error instanceof ExecutionCancelledError) throw error;
				const stalled =
					error instanceof StreamError && /stalled|time for the stream/.test(error.message);
				return { kind: 'brokeAtOnce', code: stalled ? 'ETIMEDOUT' : 'ERR_BAD_RESPONSE' };
			},
		);
	}
	const problem = contractViolation(contract, response.body, contentType);
	if (problem) return { kind: 'violation', error: fail(problem) };
	return { kind: 'accepted', response: response as ApiResponse<T> };
}

/** The body of an error response, read as text when it is a stream; undefined when it broke off. */
export async function readErrorBody(acceptor: Acceptor, response: FullResponse): Promise<unknown> {
	const { body } = response;
	if (
		body &&
		typeof (body as ByteStream)[Symbol.asyncIterator] === 'function' &&
		!Array.isArray(body) &&
		!Buffer.isBuffer(body)
	) {
		// An error body cut short, or one that never ends, still leaves the status code to report.
		const limited = withIdleLimit(
			body as ByteStream,
			Math.min(acceptor.clientTimeoutMs, ERROR_BODY_IDLE_MS),
			acceptor.context,
		);
		return await readStreamToBuffer(limited, ERROR_BODY_BYTES).then(
			(buffer) => buffer.toString('utf8'),
			() => undefined,
		);
	}
	return body;
}

/** The node's operation ("thread: create"), for messages; empty where the context has none. */
function operationOf(context: RequestContext): string | undefined {
	try {
		const resource = context.getNodeParameter?.('resource', 0, '');
		const operation =
			context.getNodeParameter?.('operation', 0, '') || context.getNodeParameter?.('event', 0, '');
		if (typeof operation !== 'string' || !operation) return undefined;
		return typeof resource === 'string' && resource ? `${resource}: ${operation}` : operation;
	} catch {
		return undefined;
	}
}
