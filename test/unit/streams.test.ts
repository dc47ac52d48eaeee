import {
	LineSplitter,
	NdjsonParser,
	readChunks,
	SseParser,
	StreamError,
	TextDeltaDecoder,
} from '../../nodes/shared/streams';

/** Feeds `text` to a parser in every possible two-way split, and byte by byte. */
function splits(text: string): Buffer[][] {
	const bytes = Buffer.from(text, 'utf8');
	const ways: Buffer[][] = [[...bytes].map((byte) => Buffer.from([byte]))];
	for (let cut = 0; cut <= bytes.length; cut++)
		ways.push([bytes.subarray(0, cut), bytes.subarray(cut)]);
	return ways;
}

describe('LineSplitter', () => {
	it('splits LF, CRLF and CR line ends, whatever the chunk boundaries', () => {
		for (const chunks of splits('eins\r\nzwei\nDrei – ü\rvier\r\n')) {
			const splitter = new LineSplitter();
			const lines = chunks.flatMap((chunk) => splitter.push(chunk));
			expect([...lines, ...splitter.end()]).toEqual(['eins', 'zwei', 'Drei – ü', 'vier']);
		}
	});

	it('returns a last line without a newline at the end', () => {
		const splitter = new LineSplitter();
		expect(splitter.push('a\nb')).toEqual(['a']);
		expect(splitter.end()).toEqual(['b']);
	});
});

describe('NdjsonParser', () => {
	it('parses one object per line across any chunk boundary, skipping blank lines', () => {
		const text = '{"delta":{"content":"Kündigung "}}\n\n{"delta":{"content":"€"}}\r\n{"end":true}';
		for (const chunks of splits(text)) {
			const parser = new NdjsonParser();
			const objects = [...chunks.flatMap((chunk) => parser.push(chunk)), ...parser.end()];
			expect(objects).toEqual([
				{ delta: { content: 'Kündigung ' } },
				{ delta: { content: '€' } },
				{ end: true },
			]);
		}
	});

	it('names the line number of a malformed line', () => {
		const parser = new NdjsonParser();
		expect(() => parser.push('{"a":1}\n{"b":\n')).toThrow(/Line 2 of the stream is not valid JSON/);
	});

	it('rejects a line that is JSON but not an object', () => {
		expect(() => new NdjsonParser().push('[1,2]\n')).toThrow(StreamError);
	});
});

describe('SseParser', () => {
	it('follows the event-stream format: comments, multi-line data, ids, unknown fields', () => {
		const text =
			': keep-alive\n' +
			'event: thread.message.delta\nid: 7\ndata: {"a":\ndata: 1}\nretry: 100\nunknown: x\n\n' +
			'data:no space\r\n\r\n' +
			'event: done\ndata: [DONE]\n\n';
		for (const chunks of splits(text)) {
			const parser = new SseParser();
			const events = [...chunks.flatMap((chunk) => parser.push(chunk)), ...parser.end()];
			expect(events).toEqual([
				{ event: 'thread.message.delta', data: '{"a":\n1}', id: '7' },
				{ event: 'message', data: 'no space', id: '7' },
				{ event: 'done', data: '[DONE]', id: '7' },
			]);
		}
	});

	it('dispatches the last event of a stream that closes without a blank line', () => {
		const parser = new SseParser();
		expect(parser.push('data: {"x":1}\n')).toEqual([]);
		expect(parser.end()).toEqual([{ event: 'message', data: '{"x":1}', id: undefined }]);
	});

	it('ignores events without data', () => {
		expect(new SseParser().push('event: ping\n\n')).toEqual([]);
	});
});

describe('TextDeltaDecoder', () => {
	it('keeps multi-byte characters split across chunks', () => {
		for (const chunks of splits('Grüße 😀')) {
			const decoder = new TextDeltaDecoder();
			expect(chunks.map((chunk) => decoder.push(chunk)).join('') + decoder.end()).toBe('Grüße 😀');
		}
	});
});

describe('readChunks', () => {
	async function* source(parts: string[], failAfter?: number) {
		for (let index = 0; index < parts.length; index++) {
			if (index === failAfter) throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
			yield Buffer.from(parts[index]);
		}
	}

	it('yields every chunk of a complete stream', async () => {
		const stream = Object.assign(source(['a', 'b']), { destroy: () => undefined, complete: true });
		const seen: string[] = [];
		for await (const chunk of readChunks(stream)) seen.push(chunk.toString());
		expect(seen).toEqual(['a', 'b']);
	});

	it('turns a broken connection into an interrupted StreamError', async () => {
		const stream = Object.assign(source(['a', 'b', 'c'], 1), { destroy: () => undefined });
		const consume = async () => {
			for await (const _ of readChunks(stream)) void _;
		};
		await expect(consume()).rejects.toMatchObject({
			kind: 'interrupted',
			message: expect.stringContaining('ECONNRESET'),
		});
	});

	it('treats a body that ended without completing as interrupted', async () => {
		const stream = Object.assign(source(['a']), { destroy: () => undefined, complete: false });
		const consume = async () => {
			for await (const _ of readChunks(stream)) void _;
		};
		await expect(consume()).rejects.toMatchObject({ kind: 'interrupted' });
	});
});
