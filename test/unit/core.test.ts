/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
import type { INode } from 'n8n-workflow';

import { runBatch } from '../../nodes/shared/batching';
import { apiError, readApiError } from '../../nodes/shared/errors';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter } from '../../nodes/shared/http';
import { collectPages } from '../../nodes/shared/pagination';
import { RateLimiter } from '../../nodes/shared/rate-limit';
import { mergeBody, Validator } from '../../nodes/shared/validation';

const node: INode = {
	id: '1',
	name: 'Test',
	type: 'test',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const context = {};

describe('readApiError', () => {
	it.each([
		[
			{ error_code: 'thread_not_found', detail: 'Thread not found' },
			{ code: 'thread_not_found', detail: 'Thread not found' },
		],
		[{ message: 'Rate limit exceeded!' }, { code: undefined, detail: 'Rate limit exceeded!' }],
		[
			{
				detail: [
					{ loc: ['body', 'user_id'], msg: 'Input should be a valid UUID', type: 'uuid_parsing' },
				],
			},
			{ code: 'validation_error', detail: 'body.user_id: Input should be a valid UUID' },
		],
		[
			{ type: 'NotFound', errors: [{ message: 'Run not found' }] },
			{ code: 'NotFound', detail: 'Run not found' },
		],
		[
			{ detail: 'Authentication credentials were not provided.' },
			{ code: undefined, detail: 'Authentication credentials were not provided.' },
		],
		[{ error: 'Thread not found' }, { code: undefined, detail: 'Thread not found' }],
		[
			{ error: { code: 'invalid_request', message: 'Bad metadata' } },
			{ code: 'invalid_request', detail: 'Bad metadata' },
		],
		['{"error_code":"api_error","detail":"boom"}', { code: 'api_error', detail: 'boom' }],
		[
			'<html>Bad Gateway</html>',
			{ code: 'html_page', detail: 'an HTML page instead of data: “Bad Gateway”' },
		],
		[
			'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>ValidationError at /agent/api/threads/</title></head><body><h1>ValidationError</h1></body></html>',
			{
				code: 'html_page',
				detail: 'an HTML page instead of data: “ValidationError at /agent/api/threads/”',
			},
		],
		[
			'<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{}</style></head><body><h1>502</h1></body></html>',
			{ code: 'html_page', detail: 'an HTML page instead of data: “502 Bad Gateway”' },
		],
		[
			'<!doctype html><html><head><title></title></head><body><h1>Sign &amp; in</h1><form></form></body></html>',
			{ code: 'html_page', detail: 'an HTML page instead of data: “Sign & in”' },
		],
	])('reads %j', (body, expected) => {
		expect(readApiError(body)).toEqual(expected);
	});

	it('returns undefined for an empty body', () => {
		expect(readApiError('')).toBeUndefined();
		expect(readApiError(undefined)).toBeUndefined();
	});
});

describe('apiError', () => {
	it('names the service, code and status, and says what to do', () => {
		const error = apiError(node, {
			service: 'Haufe Copilot',
			status: 404,
			body: { error_code: 'thread_not_found', detail: 'Thread not found' },
			hints: { thread_not_found: 'Check the thread ID.' },
			operation: 'GET /threads/x',
		});
		expect(error.message).toBe('Haufe Copilot error thread_not_found (HTTP 404): Thread not found');
		expect(error.description).toBe('Check the thread ID. [GET /threads/x]');
		expect(error.httpCode).toBe('404');
	});

	it("names a code-less error by the service's classify, so that its hint applies", () => {
		const error = apiError(node, {
			service: 'Agent Chat',
			status: 500,
			body: { error: 'Agent matching query does not exist.' },
			hints: { unknown_model: 'Pick another model.' },
			classify: (_status, info) =>
				/matching query/.test(info.detail) ? 'unknown_model' : undefined,
		});
		expect(error.message).toBe(
			'Agent Chat error unknown_model (HTTP 500): Agent matching query does not exist.',
		);
		expect(error.description).toBe('Pick another model.');
		// A code that is also an Object property name is no hint.
		expect(
			apiError(node, {
				service: 'X',
				status: 404,
				body: { error_code: 'constructor', detail: 'x' },
				hints: {},
			}).description,
		).toMatch(/Nothing was found/);
	});

	it('falls back to a hint by status when the code is unknown', () => {
		const error = apiError(node, { service: 'X', status: 503, body: 'down', hints: {} });
		expect(error.message).toBe('X error http_503 (HTTP 503): down');
		expect(error.description).toMatch(/retry later/);
	});
});

describe('parseRetryAfter', () => {
	it('reads seconds and HTTP dates', () => {
		expect(parseRetryAfter('2')).toBe(2000);
		expect(parseRetryAfter('0.5')).toBe(500);
		expect(parseRetryAfter(['3'])).toBe(3000);
		const now = Date.parse('Wed, 25 Nov 2026 10:00:00 GMT');
		expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:04 GMT', now)).toBe(4000);
		expect(parseRetryAfter('Wed, 25 Nov 2026 09:00:00 GMT', now)).toBe(0);
	});

	it('ignores what it cannot read', () => {
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
	});
});

describe('backoffDelay', () => {
	it('grows exponentially within [half, full] of the ceiling and stops at the cap', () => {
		expect(backoffDelay(0, DEFAULT_RETRY, () => 0)).toBe(250);
		expect(backoffDelay(0, DEFAULT_RETRY, () => 1)).toBe(500);
		expect(backoffDelay(3, DEFAULT_RETRY, () => 1)).toBe(4000);
		expect(backoffDelay(20, DEFAULT_RETRY, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs);
	});
});

describe('collectPages', () => {
	const pages = [['a', 'b'], ['c', 'd'], ['e']];
	const fetchPage = jest.fn(async (cursor: number | undefined, _size: number) => {
		const index = cursor ?? 0;
		return { items: pages[index], next: index + 1 < pages.length ? index + 1 : undefined };
	});

	beforeEach(() => fetchPage.mockClear());

	it('follows every page with Return All', async () => {
		expect(
			await collectPages(node, fetchPage, { returnAll: true, limit: 0, maxPageSize: 2 }),
		).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(fetchPage).toHaveBeenCalledTimes(3);
	});

	it('stops as soon as the limit is reached and asks for no more than needed', async () => {
		expect(
			await collectPages(node, fetchPage, { returnAll: false, limit: 3, maxPageSize: 2 }),
		).toEqual(['a', 'b', 'c']);
		expect(fetchPage).toHaveBeenCalledTimes(2);
		expect(fetchPage.mock.calls[1][1]).toBe(1);
	});

	it('refuses a cursor that repeats', async () => {
		const looping = async () => ({ items: ['x'], next: 'same' });
		await expect(
			collectPages(node, looping, { returnAll: true, limit: 0, maxPageSize: 10 }),
		).rejects.toThrow(/same page cursor twice/);
	});
});

describe('Validator', () => {
	const validator = new Validator(node, 0);

	it('names the field and the limit', () => {
		expect(() => validator.maxLength('x'.repeat(30_001), 'Content', 30_000)).toThrow(
			'"Content" is 30001 characters long; the limit is 30000',
		);
		expect(() => validator.maxLength('x'.repeat(30_000), 'Content', 30_000)).not.toThrow();
		expect(() => validator.uuid('nope', 'User ID')).toThrow(/"User ID" must be a UUID/);
		expect(() => validator.uuid('3fa85f64-5717-4562-b3fc-2c963f66afa6', 'User ID')).not.toThrow();
		expect(() => validator.required(' ', 'Question')).toThrow('"Question" is required');
		expect(() => validator.maxCount([1, 2, 3], 'File IDs', 2)).toThrow(
			'"File IDs" has 3 entries; the limit is 2',
		);
	});

	it('checks metadata pairs, key and value lengths', () => {
		const limits = { pairs: 16, key: 64, value: 512 };
		const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v']));
		expect(() => validator.metadata(sixteen, 'Metadata', limits)).not.toThrow();
		expect(() => validator.metadata({ ...sixteen, extra: 'v' }, 'Metadata', limits)).toThrow(
			'"Metadata" has 17 pairs; the limit is 16',
		);
		expect(() => validator.metadata({ ['k'.repeat(65)]: 'v' }, 'Metadata', limits)).toThrow(
			/65 characters; the limit is 64/,
		);
		expect(() => validator.metadata({ k: 'v'.repeat(513) }, 'Metadata', limits)).toThrow(
			/513 characters; the limit is 512/,
		);
	});

	it('parses JSON parameters and names the field when they are broken', () => {
		expect(validator.jsonObject('{"a":1}', 'Extra')).toEqual({ a: 1 });
		expect(validator.jsonObject({ a: 1 }, 'Extra')).toEqual({ a: 1 });
		expect(() => validator.jsonObject('{a', 'Extra')).toThrow(/"Extra" is not valid JSON/);
		expect(() => validator.jsonObject('[1]', 'Extra')).toThrow('"Extra" must be a JSON object');
	});
});

describe('mergeBody', () => {
	it('merges nested objects and lets the extra JSON win', () => {
		expect(
			mergeBody(
				{ meta_data: { user_data: { licence: 'L1' } }, a: 1 },
				{ meta_data: { user_data: { extra: true } }, a: 2, tools: [] },
			),
		).toEqual({ meta_data: { user_data: { licence: 'L1', extra: true } }, a: 2, tools: [] });
	});
});

describe('RateLimiter', () => {
	it('spaces requests to the window and never exceeds it', async () => {
		const limiter = new RateLimiter([{ limit: 5, windowMs: 200 }]);
		const times: number[] = [];
		const start = Date.now();
		await Promise.all(
			Array.from({ length: 12 }, async () => {
				await limiter.acquire(context);
				times.push(Date.now() - start);
			}),
		);
		times.sort((a, b) => a - b);
		for (let i = 5; i < times.length; i++)
			expect(times[i] - times[i - 5]).toBeGreaterThanOrEqual(199);
		expect(times[11]).toBeGreaterThanOrEqual(400);
	});

	it('holds everyone back while paused', async () => {
		const limiter = new RateLimiter([]);
		limiter.pause(150);
		const start = Date.now();
		await limiter.acquire(context);
		expect(Date.now() - start).toBeGreaterThanOrEqual(140);
	});
});

describe('runBatch', () => {
	it('keeps input order, bounds concurrency and starts each item once', async () => {
		let running = 0;
		let peak = 0;
		const started: number[] = [];
		const outcomes = await runBatch(
			context,
			10,
			async (index) => {
				started.push(index);
				running++;
				peak = Math.max(peak, running);
				await new Promise((resolve) => setTimeout(resolve, (10 - index) * 3));
				running--;
				return index * 2;
			},
			{ concurrency: 3, continueOnFail: false },
		);
		expect(outcomes.map((outcome) => outcome?.ok && outcome.value)).toEqual([
			0, 2, 4, 6, 8, 10, 12, 14, 16, 18,
		]);
		expect(peak).toBe(3);
		expect(started.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	it('stops starting items after a failure unless continuing on fail', async () => {
		const worker = async (index: number) => {
			if (index === 1) throw new Error('fails');
			return index;
		};
		const stopped = await runBatch(context, 5, worker, { concurrency: 1, continueOnFail: false });
		expect(stopped.map((outcome) => outcome && outcome.ok)).toEqual([
			true,
			false,
			undefined,
			undefined,
			undefined,
		]);
		const continued = await runBatch(context, 5, worker, { concurrency: 1, continueOnFail: true });
		expect(continued.map((outcome) => outcome && outcome.ok)).toEqual([
			true,
			false,
			true,
			true,
			true,
		]);
	});

	it('stops when the execution is cancelled', async () => {
		const controller = new AbortController();
		const cancellable = { getExecutionCancelSignal: () => controller.signal };
		const seen: number[] = [];
		const run = runBatch(
			cancellable,
			5,
			async (index) => {
				seen.push(index);
				if (index === 1) controller.abort();
				return index;
			},
			{ concurrency: 1, continueOnFail: true },
		);
		await expect(run).rejects.toThrow('The execution was cancelled');
		expect(seen).toEqual([0, 1]);
	});
});
