/** Features of newer n8n that the nodes detect, with what they do without them. */
import type { IPollFunctions } from 'n8n-workflow';

import { DEFAULT_POLL_BUDGET_MS, pollBudgetMs } from '../../nodes/GriptapeCloudTrigger/pollers';

describe('Poll budget', () => {
	it('is what n8n tells the poll where it does (getPollBudgetMs, n8n 2.x\'s later releases)', () => {
		const context = { budget: 123_000, getPollBudgetMs(this: { budget: number }) { return this.budget; } };
		expect(pollBudgetMs(context as unknown as IPollFunctions)).toBe(123_000);
	});

	it('is one minute, the shortest poll interval, in n8n without it (1.123.x, 2.0.x)', () => {
		expect(pollBudgetMs({} as IPollFunctions)).toBe(DEFAULT_POLL_BUDGET_MS);
		expect(DEFAULT_POLL_BUDGET_MS).toBe(60_000);
	});
});
