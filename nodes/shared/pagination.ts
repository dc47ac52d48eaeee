import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** One page of a listing, whatever the API's paging style. */
export interface Page<T, Cursor> {
	items: T[];
	/** Where the next page starts; undefined on the last page. */
	next?: Cursor;
}

export interface CollectOptions {
	returnAll: boolean;
	/** Used when returnAll is false. */
	limit: number;
	/** The largest page the API serves. */
	maxPageSize: number;
}

/**
 * "Return All / Limit" over any paging style (cursor, page number, offset, after-ID):
 * the API module only says how to fetch one page and where the next one starts.
 * Requests never ask for more than is still needed, and a cursor that repeats stops the
 * loop instead of spinning forever.
 */
export async function collectPages<T, Cursor>(
	node: INode,
	fetchPage: (cursor: Cursor | undefined, pageSize: number) => Promise<Page<T, Cursor>>,
	options: CollectOptions,
): Promise<T[]> {
	const wanted = options.returnAll ? Infinity : Math.max(0, options.limit);
	const collected: T[] = [];
	const seen = new Set<string>();
	let cursor: Cursor | undefined;
	while (collected.length < wanted) {
		const pageSize = Math.min(options.maxPageSize, wanted - collected.length);
		const page = await fetchPage(cursor, pageSize);
		collected.push(...page.items.slice(0, wanted - collected.length));
		if (page.next === undefined || page.next === null || page.items.length === 0) break;
		const key = JSON.stringify(page.next);
		if (seen.has(key)) {
			throw new NodeOperationError(node, `The API returned the same page cursor twice (${key})`, {
				description: 'Paging stopped to avoid an endless loop; this is a fault of the API.',
			});
		}
		seen.add(key);
		cursor = page.next;
	}
	return collected;
}
