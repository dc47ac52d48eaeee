/* eslint-disable -- Tooling, never shipped: n8n's rules for node code (the default config of `n8n-node lint`) do not fit it. Linted by eslint.tooling.config.mjs instead (npm run lint:tooling), where this comment has no effect. */
/**
 * The documents the sandbox checks against (sandbox/specs/) and the checker itself: the copies
 * match the project's shared specs, and the checker finds what the issue found by hand.
 */
import * as fs from 'fs';
import * as path from 'path';

const spec = require('../../sandbox/spec') as {
	specFor(name: string): {
		checkRequest(request: {
			method: string;
			subpath: string;
			searchParams: URLSearchParams;
			body?: unknown;
			headers: Record<string, string>;
		}): {
			operation: string;
			errors: Array<{ path: Array<string | number>; keyword: string }>;
			undocumented: Array<{ path: Array<string | number> }>;
		} | null;
		checkComponent(
			name: string,
			value: unknown,
		): Array<{ path: Array<string | number>; keyword: string }>;
		responseSchema(operation: string, status: number): { key: string; schema: object } | null;
		checkAgainst(
			key: string,
			schema: object,
			value: unknown,
		): Array<{ path: Array<string | number>; keyword: string }>;
	};
	SPEC_DIR: string;
};

const SHARED = path.resolve(__dirname, '../../../shared/specs');

describe('the documents', () => {
	it.each(['openai-assistants.yaml', 'griptape-openapi.json'])(
		'%s is the shared spec, unchanged (when shared/ is beside the repository)',
		(file) => {
			const shared = path.join(SHARED, file);
			if (!fs.existsSync(shared)) return; // a clone without shared/: the copy is what there is
			expect(fs.readFileSync(path.join(spec.SPEC_DIR, file), 'utf8')).toBe(
				fs.readFileSync(shared, 'utf8'),
			);
		},
	);
});

const request = (method: string, subpath: string, body?: unknown, query = '') => ({
	method,
	subpath,
	searchParams: new URLSearchParams(query),
	body,
	headers: {},
});
const paths = (found: Array<{ path: Array<string | number> }>) =>
	found.map((f) => f.path.join('.'));

describe('requests the issue found accepted by the old sandbox are rejected', () => {
	const openai = () => spec.specFor('openai');
	it.each([
		[
			'unknown field on create run',
			request('POST', '/threads/t/runs', { assistant_id: 'a', foo: 1 }),
			'foo',
		],
		['unknown field on create thread', request('POST', '/threads', { foo: 1 }), 'foo'],
		[
			'unknown field on create thread and run',
			request('POST', '/threads/runs', { assistant_id: 'a', foo: 1 }),
			'foo',
		],
		[
			'additional_instructions on /threads/runs',
			request('POST', '/threads/runs', { assistant_id: 'a', additional_instructions: 'x' }),
			'additional_instructions',
		],
		[
			'additional_messages on /threads/runs',
			request('POST', '/threads/runs', { assistant_id: 'a', additional_messages: [] }),
			'additional_messages',
		],
		['messages on modify thread', request('POST', '/threads/t', { messages: [] }), 'messages'],
		[
			'temperature 3',
			request('POST', '/threads/t/runs', { assistant_id: 'a', temperature: 3 }),
			'temperature',
		],
	])('OpenAI: %s', (_name, req, field) => {
		expect(paths(openai().checkRequest(req)!.errors)).toContain(field);
	});

	it('OpenAI: vector_stores on modify thread is not in the document (the sandbox refuses it as an unknown parameter)', () => {
		const check = openai().checkRequest(
			request('POST', '/threads/t', {
				tool_resources: { file_search: { vector_stores: [{ file_ids: ['f'] }] } },
			}),
		)!;
		expect(paths(check.undocumented)).toEqual(['tool_resources.file_search.vector_stores']);
		expect(
			openai().checkRequest(
				request('POST', '/threads', {
					tool_resources: { file_search: { vector_stores: [{ file_ids: ['f'] }] } },
				}),
			),
		).toMatchObject({ errors: [], undocumented: [] });
	});

	it('Griptape: tool_ids that are not UUIDs', () => {
		const check = spec
			.specFor('griptape')
			.checkRequest(request('POST', '/assistants/a/runs', { input: 'x', tool_ids: ['tool-1'] }))!;
		expect(check.errors).toMatchObject([{ path: ['tool_ids', 0], keyword: 'pattern' }]);
	});

	it('unknown query parameters are reported as undocumented; declared ones are type-checked', () => {
		const check = openai().checkRequest(
			request('GET', '/threads/t/messages', undefined, 'limit=ten&order=asc&page=2'),
		)!;
		expect(paths(check.errors)).toEqual(['limit']);
		expect(paths(check.undocumented)).toEqual(['page']);
	});
});

describe('responses the issue found incomplete fail the response check', () => {
	it('OpenAI: a run step without expired_at', () => {
		const step = {
			id: 'step_1',
			object: 'thread.run.step',
			created_at: 1,
			assistant_id: 'a',
			thread_id: 't',
			run_id: 'r',
			type: 'message_creation',
			status: 'completed',
			step_details: { type: 'message_creation', message_creation: { message_id: 'm' } },
			last_error: null,
			cancelled_at: null,
			failed_at: null,
			completed_at: 2,
			metadata: {},
			usage: null,
		};
		expect(paths(spec.specFor('openai').checkComponent('RunStepObject', step))).toEqual([
			'expired_at',
		]);
		expect(
			spec.specFor('openai').checkComponent('RunStepObject', { ...step, expired_at: null }),
		).toEqual([]);
	});

	it('Griptape: a run with thread_id null, an event without structure_run_id', () => {
		const griptape = spec.specFor('griptape');
		const created = griptape.responseSchema('CreateAssistantRun', 201)!;
		const errors = griptape.checkAgainst(created.key, created.schema, { thread_id: null });
		expect(paths(errors)).toContain('thread_id');
		const event = griptape.responseSchema('GetEvent', 200)!;
		const eventErrors = griptape.checkAgainst(event.key, event.schema, {
			event_id: '5a000000-0000-4000-8000-000000000000',
			type: 'X',
			origin: 'SYSTEM',
			payload: {},
			timestamp: 1,
			created_at: '2025-01-15T09:00:00Z',
		});
		expect(paths(eventErrors)).toEqual(['structure_run_id']);
	});
});
