import type { INodeProperties } from 'n8n-workflow';

import {
	excerpt,
	formatSources,
	streamSourcesOption,
	withOption,
} from '../../nodes/shared/sources';

describe('formatSources', () => {
	it('lists each section as a heading and numbered lines, then the attribution, blocks apart', () => {
		const text = formatSources(
			[
				{
					heading: 'Sources',
					lines: [
						{ title: 'Bürgerliches Gesetzbuch (BGB)', detail: '§ 622 Abs. 3' },
						{ title: 'Ein Leitfaden', url: 'https://example.org/leitfaden' },
					],
				},
				{
					heading: 'Files',
					lines: [{ title: 'file-1', detail: 'linked as sandbox:/mnt/data/a.csv' }],
				},
			],
			'Powered by Haufe',
		);
		expect(text).toBe(
			[
				'Sources:',
				'1. Bürgerliches Gesetzbuch (BGB), § 622 Abs. 3',
				'2. Ein Leitfaden — https://example.org/leitfaden',
				'',
				'Files:',
				'1. file-1, linked as sandbox:/mnt/data/a.csv',
				'',
				'Powered by Haufe',
			].join('\n'),
		);
	});

	it('lists identical lines once, keeps each source on one line, skips untitled ones', () => {
		const text = formatSources([
			{
				heading: 'Sources',
				lines: [
					{ title: 'EStG', detail: '§ 9' },
					{ title: ' EStG ', detail: '§  9' },
					{ title: '' },
					{ title: 'Zwei\nZeilen', detail: 'A\r\nB' },
				],
			},
		]);
		expect(text).toBe('Sources:\n1. EStG, § 9\n2. Zwei Zeilen, A B');
	});

	it('is the attribution alone when there are no sources, and empty when there is nothing', () => {
		expect(formatSources([{ heading: 'Sources', lines: [] }], 'Powered by Haufe')).toBe(
			'Powered by Haufe',
		);
		expect(formatSources([{ heading: 'Sources', lines: [] }])).toBe('');
	});
});

it('excerpt shortens long text to one line', () => {
	expect(excerpt('kurz')).toBe('kurz');
	expect(excerpt(`${'a'.repeat(100)}\nb`, 10)).toBe('aaaaaaaaa…');
	expect(excerpt(undefined)).toBe('');
});

it('withOption adds the option to the options collection only, in alphabetical order', () => {
	const fields: INodeProperties[] = [
		{ displayName: 'Thread', name: 'threadId', type: 'string', default: '' },
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			default: {},
			options: [
				{ displayName: 'Include Request', name: 'includeRequest', type: 'boolean', default: false },
				{ displayName: 'Zeta', name: 'zeta', type: 'boolean', default: false },
			],
		},
	];
	const result = withOption(fields, streamSourcesOption);
	expect(result[0]).toBe(fields[0]);
	expect((result[1].options as INodeProperties[]).map((option) => option.name)).toEqual([
		'includeRequest',
		'streamSources',
		'zeta',
	]);
	expect(fields[1].options).toHaveLength(2);
});
