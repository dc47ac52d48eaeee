/** The resource locators' lists, as the editor loads them through n8n-core's LoadOptionsContext. */
import { API_KEY, seedThread, useHaufeSandbox } from '../helpers/haufe';
import { runListSearch } from '../helpers/n8n-harness';

const ctx = useHaufeSandbox({ maxPageSize: 2 });

const search = async (method: string, filter?: string, paginationToken?: string) =>
	await runListSearch({
		type: 'haufeCopilot',
		parameters: { resource: 'thread', operation: 'get' },
		credentials: { haufeCopilotApi: { apiKey: API_KEY, baseUrl: ctx.sandbox.haufe.baseUrl } },
		method,
		filter,
		paginationToken,
	});

it('lists assistants by name, filtered by the search text', async () => {
	expect((await search('searchAssistants')).results).toEqual([
		{ name: 'HR Assistant', value: ctx.hr },
		{ name: 'Tax Assistant', value: ctx.tax },
	]);
	expect((await search('searchAssistants', 'tax')).results).toEqual([
		{ name: 'Tax Assistant', value: ctx.tax },
	]);
});

it('lists threads page by page with the API cursor as pagination token', async () => {
	const ids = [];
	for (let i = 0; i < 3; i++) ids.push(await seedThread(ctx.sandbox, ctx.hr));
	const first = await search('searchThreads');
	expect(first.results.map((result) => result.value)).toEqual(ids.slice(0, 2));
	expect(first.paginationToken).toEqual(expect.any(String));
	const second = await search('searchThreads', undefined, first.paginationToken as string);
	expect(second.results.map((result) => result.value)).toEqual(ids.slice(2));
	expect(second.paginationToken).toBeUndefined();
});
