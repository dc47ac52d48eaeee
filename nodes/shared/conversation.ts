import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { createHash, randomUUID } from 'node:crypto';

import { characterCount, Validator } from './validation';

/**
 * Conversations: one thread per conversation key (a chat session ID, a caller's ID, a ticket
 * number). Where the API can find a thread by such a key, the node uses that; the other
 * systems keep the key-to-thread mapping in an n8n Data Table (see docs/conversations-and-tools.md).
 */

/** The field's display name, used in every message about it. */
export const CONVERSATION_KEY_LABEL = 'Conversation Key';

export function conversationKeyField(options: {
	maxLength: number;
	description: string;
	show: Record<string, string[]>;
}): INodeProperties {
	return {
		displayName: CONVERSATION_KEY_LABEL,
		name: 'conversationKey',
		type: 'string',
		default: '={{ $json.sessionId }}',
		required: true,
		placeholder: 'e.g. a chat session ID or a ticket number',
		description: `${options.description} At most ${options.maxLength} characters`,
		displayOptions: { show: options.show },
	};
}

/**
 * The conversation key of an item: a string that is not blank and fits the API's limit.
 * Checked before any request, so a bad key never creates a thread.
 */
export function readConversationKey(
	context: IExecuteFunctions,
	itemIndex: number,
	maxLength: number,
): string {
	const validator = new Validator(context.getNode(), itemIndex);
	const raw = context.getNodeParameter('conversationKey', itemIndex, '') as unknown;
	if (raw !== undefined && raw !== null && typeof raw !== 'string' && typeof raw !== 'number') {
		validator.fail(
			`"${CONVERSATION_KEY_LABEL}" must be text or a number, got ${Array.isArray(raw) ? 'a list' : typeof raw}`,
		);
	}
	const key = raw === undefined || raw === null ? '' : String(raw);
	if (key.trim() === '') {
		validator.fail(
			`"${CONVERSATION_KEY_LABEL}" is empty`,
			'Each conversation needs its own key, e.g. {{ $json.sessionId }} after a Chat Trigger. An empty key would put unrelated conversations into one thread.',
		);
	}
	if (characterCount(key) > maxLength) {
		validator.fail(
			`"${CONVERSATION_KEY_LABEL}" is ${characterCount(key)} characters long; the limit is ${maxLength}`,
			'Use a shorter key, e.g. a hash of the long one.',
		);
	}
	return key;
}

/**
 * Whether the item names a conversation at all. A tool's model may leave the key out (it is an
 * optional argument): the question then starts a conversation of its own (newConversationKey).
 */
export function conversationKeyGiven(context: IExecuteFunctions, itemIndex: number): boolean {
	const raw = context.getNodeParameter('conversationKey', itemIndex, '') as unknown;
	return !(raw === undefined || raw === null || String(raw).trim() === '');
}

/** The key of a new conversation that its caller did not name: random, so never shared. */
export function newConversationKey(): string {
	return randomUUID();
}

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 of a namespace and a name): the same key
 * always gives the same ID, different keys practically never the same one.
 */
export function nameBasedUuid(namespace: string, name: string): string {
	const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
	if (namespaceBytes.length !== 16) throw new Error(`Not a UUID: ${namespace}`);
	const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
	const bytes = hash.subarray(0, 16);
	bytes[6] = (bytes[6] & 0x0f) | 0x50;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = bytes.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Among the threads that carry one key, the one every worker agrees on: the oldest, then the smallest ID. */
export function oldestThread<T>(
	threads: T[],
	createdAt: (thread: T) => string,
	id: (thread: T) => string,
): T | undefined {
	return [...threads].sort((a, b) => {
		const byTime = Date.parse(createdAt(a)) - Date.parse(createdAt(b));
		if (byTime && !Number.isNaN(byTime)) return byTime;
		return id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0;
	})[0];
}
