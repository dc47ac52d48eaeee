/**
 * The fault suite over every operation of the Griptape Cloud node (see suite.ts).
 */
import { griptape, griptapeCredentials, locator } from './fixtures';
import type { FaultKind } from './proxy';
import type { NodeUnderTest } from './suite';
import { defineFaultSuite, ID, targetsUnder, useSuiteSandbox } from './suite';

const sandbox = useSuiteSandbox({ griptape: { runStepMs: 5, tokenDelayMs: 1 } });

const P = '/griptape/api';
const target = targetsUnder(P);
const INPUT = 'Wie wird das Wetter?';
const WAIT = { pollInterval: 0.05, waitTimeout: 10 };
/** The event stream of a waited run breaks in any of these ways: the wait goes on by polling events. */
const STREAM_FALLBACK: FaultKind[] = [
	'cutMidStream',
	'noEndMarker',
	'stall',
	'empty200',
	'nonJson200',
	'emptyObject200',
];

const node: NodeUnderTest = {
	label: 'Griptape Cloud',
	type: 'griptapeCloud',
	credentialType: 'griptapeCloudApi',
	credentials: griptapeCredentials,
	requestOptions: { timeout: 2 },
	operations: [
		{
			name: 'apiKey: create',
			targets: [target('POST', `/organizations/${ID}/api-keys`, 'create')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'apiKey',
					operation: 'create',
					owner: 'organization',
					organizationId: sb.griptape.ids.organizationId,
					name: 'n8n',
				},
			}),
		},
		{
			name: 'apiKey: delete',
			targets: [target('DELETE', `/api-keys/${ID}`, 'idempotent', { nothing: true })],
			prepare: async (sb) => ({
				parameters: {
					resource: 'apiKey',
					operation: 'delete',
					apiKeyId: await griptape(sb).apiKey(),
				},
			}),
		},
		{
			name: 'apiKey: get',
			targets: [target('GET', `/api-keys/${ID}`, 'read')],
			prepare: async (sb) => ({
				parameters: { resource: 'apiKey', operation: 'get', apiKeyId: await griptape(sb).apiKey() },
			}),
		},
		{
			name: 'apiKey: getAll',
			targets: [target('GET', `/organizations/${ID}/api-keys`, 'read')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'apiKey',
					operation: 'getAll',
					owner: 'organization',
					organizationId: sb.griptape.ids.organizationId,
					returnAll: false,
					limit: 1,
				},
			}),
		},
		{
			name: 'apiKey: update',
			targets: [target('PATCH', `/api-keys/${ID}`, 'change')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'apiKey',
					operation: 'update',
					apiKeyId: await griptape(sb).apiKey(),
					name: 'renamed',
				},
			}),
		},
		{
			name: 'assistant: getAll',
			targets: [target('GET', '/assistants', 'read')],
			prepare: async () => ({
				parameters: { resource: 'assistant', operation: 'getAll', returnAll: true },
			}),
		},
		{
			name: 'assistantRun: cancel',
			targets: [target('POST', `/assistant-runs/${ID}/cancel`, 'change')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'assistantRun',
					operation: 'cancel',
					assistantRunId: locator(await griptape(sb).run('[hang] lange')),
				},
			}),
		},
		{
			name: 'assistantRun: create (polling events)',
			targets: [
				target('POST', `/assistants/${ID}/runs`, 'create'),
				target('GET', `/assistant-runs/${ID}/events`, 'read'),
				target('GET', `/assistant-runs/${ID}`, 'read'),
			],
			prepare: async (sb) => ({
				parameters: {
					resource: 'assistantRun',
					operation: 'create',
					assistantId: locator(griptape(sb).assistantId),
					input: INPUT,
					waitForCompletion: 'events',
					options: WAIT,
				},
			}),
		},
		{
			name: 'assistantRun: create (event stream)',
			targets: [
				target('GET', `/assistant-runs/${ID}/events/stream`, 'read', {
					stream: true,
					recovers: STREAM_FALLBACK,
				}),
			],
			prepare: async (sb) => ({
				parameters: {
					resource: 'assistantRun',
					operation: 'create',
					assistantId: locator(griptape(sb).assistantId),
					input: INPUT,
					waitForCompletion: 'stream',
					options: WAIT,
				},
			}),
		},
		{
			name: 'assistantRun: get',
			targets: [target('GET', `/assistant-runs/${ID}`, 'read')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'assistantRun',
					operation: 'get',
					assistantRunId: locator(await griptape(sb).run(INPUT, true)),
				},
			}),
		},
		{
			name: 'assistantRun: getAll',
			targets: [target('GET', `/assistants/${ID}/runs`, 'read')],
			// Its own assistant, and finished runs only: other cases' runs are not in the list.
			prepare: async (sb) => {
				const assistantId = sb.griptape.ids.assistants[2];
				await griptape(sb).run(INPUT, true, assistantId);
				return {
					parameters: {
						resource: 'assistantRun',
						operation: 'getAll',
						assistantId: locator(assistantId),
						statuses: ['SUCCEEDED'],
						returnAll: false,
						limit: 1,
					},
				};
			},
		},
		{
			name: 'event: collectStream',
			targets: [target('GET', `/assistant-runs/${ID}/events/stream`, 'read', { stream: true })],
			prepare: async (sb) => ({
				parameters: {
					resource: 'event',
					operation: 'collectStream',
					source: 'assistantRun',
					runId: await griptape(sb).run(INPUT),
					duration: 10,
				},
			}),
		},
		{
			name: 'event: create',
			targets: [target('POST', `/structure-runs/${ID}/events`, 'create', { nothing: true })],
			prepare: async (sb) => ({
				parameters: {
					resource: 'event',
					operation: 'create',
					structureRunId: sb.griptape.ids.structureRunId,
					eventsJson: '[{"type": "UserEvent", "payload": {"from": "n8n"}}]',
				},
			}),
		},
		{
			name: 'event: get',
			targets: [target('GET', `/events/${ID}`, 'read')],
			prepare: async (sb) => {
				const runId = await griptape(sb).run(INPUT, true);
				return {
					parameters: { resource: 'event', operation: 'get', eventId: griptape(sb).eventOf(runId) },
				};
			},
		},
		{
			name: 'event: getAll',
			targets: [target('GET', `/assistant-runs/${ID}/events`, 'read')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'event',
					operation: 'getAll',
					source: 'assistantRun',
					runId: await griptape(sb).run(INPUT, true),
					returnAll: true,
				},
			}),
		},
		{
			name: 'message: create',
			targets: [target('POST', `/threads/${ID}/messages`, 'create')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'message',
					operation: 'create',
					threadId: locator(await griptape(sb).thread()),
					input: 'Frage',
					output: 'Antwort',
				},
			}),
		},
		{
			name: 'message: getAll',
			targets: [target('GET', `/threads/${ID}/messages`, 'read')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'message',
					operation: 'getAll',
					threadId: locator(await griptape(sb).thread()),
					returnAll: true,
				},
			}),
		},
		{
			name: 'thread: create',
			targets: [target('POST', '/threads', 'create')],
			prepare: async () => ({
				parameters: { resource: 'thread', operation: 'create', name: 'Neu' },
			}),
		},
		{
			name: 'thread: delete',
			targets: [target('DELETE', `/threads/${ID}`, 'idempotent', { nothing: true })],
			prepare: async (sb) => ({
				parameters: {
					resource: 'thread',
					operation: 'delete',
					threadId: locator(await griptape(sb).thread()),
				},
			}),
		},
		{
			name: 'thread: get',
			targets: [target('GET', `/threads/${ID}`, 'read')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'thread',
					operation: 'get',
					threadId: locator(await griptape(sb).thread()),
				},
			}),
		},
		{
			name: 'thread: getAll',
			targets: [target('GET', '/threads', 'read')],
			prepare: async (sb) => {
				await griptape(sb).thread();
				return {
					parameters: { resource: 'thread', operation: 'getAll', returnAll: false, limit: 1 },
				};
			},
		},
		{
			name: 'thread: update',
			targets: [target('PATCH', `/threads/${ID}`, 'change')],
			prepare: async (sb) => ({
				parameters: {
					resource: 'thread',
					operation: 'update',
					threadId: locator(await griptape(sb).thread()),
					updateFields: { name: 'Umbenannt' },
				},
			}),
		},
		{
			name: 'user: getAll',
			targets: [target('GET', '/users', 'read')],
			prepare: async () => ({
				parameters: { resource: 'user', operation: 'getAll', returnAll: true },
			}),
		},
	],
};

defineFaultSuite(node, sandbox);
