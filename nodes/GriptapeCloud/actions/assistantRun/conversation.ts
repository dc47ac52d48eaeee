import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { nothing, object } from '../../../shared/contracts';
import { newConversationKey, oldestThread } from '../../../shared/conversation';
import type { GriptapeClient } from '../../transport';

/**
 * Griptape's `alias` is the longest a name may be (the sandbox refuses longer ones; the API
 * document gives no maximum, so the node keeps to the strictest bound known).
 */
export const GRIPTAPE_KEY_MAX = 200;

/**
 * A new conversation, for a tool's model that named none: a thread under a new random key
 * (its alias), so that a later call with that key continues it. The key is new, so there is
 * nothing to look up first.
 */
export async function newKeyedThread(
	client: GriptapeClient,
	itemIndex: number,
): Promise<{ threadId: string; key: string }> {
	const key = newConversationKey();
	const created = await client.call<IDataObject>('POST', '/threads', {
		body: { name: key, alias: key },
		itemIndex,
		expect: THREAD,
		unclear: `A thread with alias "${key}" may have been created; it stays empty.`,
	});
	return { threadId: String(created.thread_id), key };
}

/** How often a create that lost the race (409) re-reads before giving up. */
const CONFLICT_ROUNDS = 3;

const THREAD = object('the thread', { thread_id: 'id' });

/** The threads with this alias (there is one, unless the server lets an alias be used twice). */
async function threadsWithAlias(
	client: GriptapeClient,
	alias: string,
	itemIndex: number,
): Promise<IDataObject[]> {
	return await client.paginate(
		'/threads',
		'threads',
		{ alias },
		{ returnAll: false, limit: 100, itemIndex },
	);
}

function pick(threads: IDataObject[]): IDataObject | undefined {
	// The API filters by alias; the node checks again, so a server ignoring the filter cannot mix conversations.
	const matching = threads.filter((thread) => typeof thread.thread_id === 'string');
	return oldestThread(
		matching,
		(thread) => String(thread.created_at ?? ''),
		(thread) => String(thread.thread_id),
	);
}

/**
 * The thread of a conversation, found by its alias, or created with it. Safe with several
 * workers answering the same conversation at once: the alias is unique on Griptape's side
 * (a second create answers 409, and the loser reads the winner's thread), and in case a server
 * accepts the alias twice, every worker re-reads after creating and continues the oldest
 * thread; a worker whose own new thread is not the oldest deletes it (nothing was sent to it).
 */
export async function threadForKey(
	this: IExecuteFunctions,
	client: GriptapeClient,
	alias: string,
	itemIndex: number,
): Promise<{ threadId: string; created: boolean }> {
	for (let round = 0; ; round++) {
		const existing = pick(await threadsWithAlias(client, alias, itemIndex));
		if (existing) return { threadId: String(existing.thread_id), created: false };
		const created = await client
			.call<IDataObject>('POST', '/threads', {
				body: { name: alias, alias },
				itemIndex,
				expect: THREAD,
				unclear: `A thread with alias "${alias}" may have been created: the next message of this conversation finds it by its alias.`,
			})
			.catch((error: Error) => error);
		// Another execution created the conversation's thread first (the alias is taken): read it.
		if (created instanceof NodeApiError && created.httpCode === '409' && round < CONFLICT_ROUNDS)
			continue;
		if (created instanceof Error) throw created;
		const ownId = String(created.thread_id);
		const winner = pick(await threadsWithAlias(client, alias, itemIndex)) ?? created;
		const winnerId = String(winner.thread_id);
		if (winnerId !== ownId) {
			this.logger.info(
				`Conversation "${alias}": another execution created its thread first; continuing ${winnerId}, deleting ${ownId}`,
			);
			await client
				.delete(`/threads/${encodeURIComponent(ownId)}`, { itemIndex, expect: nothing() })
				.catch(() => undefined);
		}
		return { threadId: winnerId, created: winnerId === ownId };
	}
}
