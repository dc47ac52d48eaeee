import { missingMetaData } from '../../nodes/HaufeCopilot/actions/requirements';

/** The documented declaration (api-notes section 1): the licence inside user_data. */
const LICENCE = { __root__: ['user_data'], user_data: ['licence'] };

describe('missingMetaData: a request_required_fields declaration against the meta_data to send', () => {
	it.each([
		[undefined, 'meta_data.user_data.licence'],
		[{}, 'meta_data.user_data.licence'],
		[{ user_data: {} }, 'meta_data.user_data.licence'],
		[{ user_data: 'LIC' }, 'meta_data.user_data.licence'],
		[{ user_data: { licence: '' } }, 'meta_data.user_data.licence'],
		[{ user_data: { licence: null } }, 'meta_data.user_data.licence'],
		[{ user_data: { licence: 'LIC-1' } }, undefined],
	])('%j lacks %s', (metaData, missing) => {
		expect(missingMetaData(LICENCE, metaData)).toBe(missing);
	});

	it('follows dotted paths and root fields', () => {
		const required = { __root__: ['channel'], 'user_data.org': ['id'] };
		expect(missingMetaData(required, { channel: 'web' })).toBe('meta_data.user_data.org.id');
		expect(missingMetaData(required, { user_data: { org: { id: 7 } } })).toBe('meta_data.channel');
		expect(missingMetaData(required, { channel: 'web', user_data: { org: { id: 7 } } })).toBe(
			undefined,
		);
	});

	it('requires nothing for an empty or unexpected declaration (the API stays the judge)', () => {
		for (const required of [
			undefined,
			null,
			{},
			[],
			'licence',
			{ user_data: 'licence' },
			{ x: [1] },
		])
			expect(missingMetaData(required, undefined)).toBeUndefined();
	});
});
