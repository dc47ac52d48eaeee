import { agentChatUrls, normaliseApiPath } from '../../credentials/AgentChat/urls';
import { BILLING_SENTENCE, answerProblem } from '../../nodes/AgentChat/transport/answer';

describe('Agent Chat URLs', () => {
	it.each([
		// The SDK's layout: the site's root, the API under /agent.
		[
			{ siteUrl: 'https://chat.example.com/', apiPath: '/agent' },
			{ site: 'https://chat.example.com', api: 'https://chat.example.com/agent' },
		],
		[
			{ siteUrl: 'https://chat.example.com', apiPath: 'agent/' },
			{ site: 'https://chat.example.com', api: 'https://chat.example.com/agent' },
		],
		// A site under a prefix, an API at the site's root.
		[
			{ siteUrl: 'https://example.com/app', apiPath: '' },
			{ site: 'https://example.com/app', api: 'https://example.com/app' },
		],
		[
			{ siteUrl: 'https://example.com', apiPath: '/' },
			{ site: 'https://example.com', api: 'https://example.com' },
		],
		// Saved before Site URL existed: n8n fills in the default path, which the old URL ends with.
		[
			{ siteUrl: '', apiPath: '/agent', baseUrl: 'https://chat.example.com/agent/' },
			{ site: 'https://chat.example.com', api: 'https://chat.example.com/agent' },
		],
		[
			{ baseUrl: 'https://example.com/app/agent' },
			{ site: 'https://example.com/app', api: 'https://example.com/app/agent' },
		],
		[
			{ siteUrl: '', apiPath: '/agent', baseUrl: 'https://chat.example.com' },
			{ site: 'https://chat.example.com', api: 'https://chat.example.com' },
		],
	])('%j', (credentials, expected) => {
		expect(agentChatUrls(credentials)).toEqual(expected);
	});

	it('normalises the API path', () => {
		expect(['agent', '/agent', '/agent/', ' /agent ', '//agent//'].map(normaliseApiPath)).toEqual(
			Array(5).fill('/agent'),
		);
		expect(['', '/', undefined, null].map(normaliseApiPath)).toEqual(['', '', '', '']);
	});
});

describe('Agent Chat replies that are no answer', () => {
	it('reads the inline stream error, with the text before it', () => {
		expect(answerProblem('Die Antwort \n[Stream Error]: Error code: 500\n')).toEqual({
			kind: 'stream_error',
			detail: 'Error code: 500',
			partial: 'Die Antwort',
		});
	});

	it("reads the app's billing sentence as the whole reply only", () => {
		expect(answerProblem(`${BILLING_SENTENCE}\n`)).toEqual({
			kind: 'billing',
			sentence: BILLING_SENTENCE,
		});
		expect(answerProblem(`Units: ${BILLING_SENTENCE}`)).toBeUndefined();
		expect(
			answerProblem('Your usage limit for this billing period is exceeded, said the HR system.'),
		).toBeUndefined();
	});
});
