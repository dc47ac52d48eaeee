/** Features of newer n8n that the nodes detect, with what they do without them. */
import type { INodeType, IPollFunctions } from 'n8n-workflow';

import { resources as agentChatResources } from '../../nodes/AgentChat/actions/router';
import { AgentChat } from '../../nodes/AgentChat/AgentChat.node';
import { resources as griptapeResources } from '../../nodes/GriptapeCloud/actions/router';
import { GriptapeCloud } from '../../nodes/GriptapeCloud/GriptapeCloud.node';
import { DEFAULT_POLL_BUDGET_MS, pollBudgetMs } from '../../nodes/GriptapeCloudTrigger/pollers';
import { resources as haufeResources } from '../../nodes/HaufeCopilot/actions/router';
import { HaufeCopilot } from '../../nodes/HaufeCopilot/HaufeCopilot.node';
import { resources as openAiResources } from '../../nodes/OpenAiThreads/actions/router';
import { OpenAiThreads } from '../../nodes/OpenAiThreads/OpenAiThreads.node';
import { actionSubtitle } from '../../nodes/shared/descriptions';

describe('Poll budget', () => {
	it("is what n8n tells the poll where it does (getPollBudgetMs, n8n 2.x's later releases)", () => {
		const context = {
			budget: 123_000,
			getPollBudgetMs(this: { budget: number }) {
				return this.budget;
			},
		};
		expect(pollBudgetMs(context as unknown as IPollFunctions)).toBe(123_000);
	});

	it('is one minute, the shortest poll interval, in n8n without it (1.123.x, 2.0.x)', () => {
		expect(pollBudgetMs({} as IPollFunctions)).toBe(DEFAULT_POLL_BUDGET_MS);
		expect(DEFAULT_POLL_BUDGET_MS).toBe(60_000);
	});
});

describe("Subtitles written out for n8n's lint rules and verification scanner", () => {
	const nodes: Array<[string, INodeType, Parameters<typeof actionSubtitle>[0]]> = [
		['Agent Chat', new AgentChat(), agentChatResources],
		['Griptape Cloud', new GriptapeCloud(), griptapeResources],
		['Haufe Copilot', new HaufeCopilot(), haufeResources],
		['OpenAI-compatible Threads', new OpenAiThreads(), openAiResources],
	];
	it.each(nodes)("%s: the subtitle names each operation's action", (_name, node, resources) => {
		expect(node.description.subtitle).toBe(actionSubtitle(resources));
	});
});
