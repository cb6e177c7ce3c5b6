import { describe, expect, it } from 'vitest';
import { formatSseData, readSseData } from './sse';

async function* bytes(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function all(source: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('readSseData', () => {
  it('yields events split across chunks, with CRLF, comments and multi-line data', async () => {
    const events = await all(
      readSseData(
        bytes(
          'data: {"a"',
          ':1}\r\n\r\n: keep-alive\n\nevent: x\ndata: one\ndata: two\n\ndata: [DONE]\n\n',
        ),
      ),
    );
    expect(events).toEqual(['{"a":1}', 'one\ntwo', '[DONE]']);
  });

  it('reads lines that end in a lone CR, a CR split from its LF included', async () => {
    const events = await all(
      readSseData(bytes('data: one\r\rdata: two\r', '\n\r\n', 'data: three\r\r')),
    );
    expect(events).toEqual(['one', 'two', 'three']);
  });

  it('drops an event the stream ends in the middle of', async () => {
    expect(await all(readSseData(bytes('data: whole\n\ndata: half')))).toEqual(['whole']);
  });

  it('reads back what formatSseData writes, multi-byte characters included', async () => {
    const text = 'naïve — 日本';
    const encoded = new TextEncoder().encode(formatSseData(text));
    const split = [encoded.slice(0, 9), encoded.slice(9)];
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield* split;
    }
    expect(await all(readSseData(chunks()))).toEqual([text]);
  });
});
