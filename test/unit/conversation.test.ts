import { nameBasedUuid, oldestThread } from '../../nodes/shared/conversation';

describe('conversation keys', () => {
	it("name-based UUIDs follow RFC 9562 version 5 (the RFC's DNS namespace example)", () => {
		expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
			'2ed6657d-e927-568b-95e1-2665a8aea6a2',
		);
		expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.org')).not.toBe(
			'2ed6657d-e927-568b-95e1-2665a8aea6a2',
		);
	});

	it('the oldest thread wins, then the smallest ID, whatever the order they are listed in', () => {
		const threads = [
			{ id: 'b', at: '2026-01-01T00:00:01.000Z' },
			{ id: 'c', at: '2026-01-01T00:00:00.000Z' },
			{ id: 'a', at: '2026-01-01T00:00:00.000Z' },
		];
		for (const order of [threads, [...threads].reverse()]) {
			expect(
				oldestThread(
					order,
					(t) => t.at,
					(t) => t.id,
				)?.id,
			).toBe('a');
		}
		expect(
			oldestThread(
				[],
				(t: { at: string }) => t.at,
				() => '',
			),
		).toBeUndefined();
	});
});
