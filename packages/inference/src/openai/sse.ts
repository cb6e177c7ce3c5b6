import { createParser } from 'eventsource-parser';
import { EngineError } from '../engine/errors';

/** The most text one event may buffer: far above any chunk a server sends, below harm. */
const MAX_EVENT_CHARS = 8 * 1024 * 1024;

/**
 * Reads a server-sent-events body and yields each event's data, parsed by eventsource-parser
 * (every line ending the spec allows, lone CR included; comments; multi-line data). An event
 * the stream ends in the middle of is dropped, as the spec says. An event larger than
 * `MAX_EVENT_CHARS` fails the stream with `malformed-stream`.
 */
export async function* readSseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const ready: string[] = [];
  let failure: EngineError | undefined;
  const parser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    onEvent: (event) => ready.push(event.data),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') {
        failure = new EngineError(
          'malformed-stream',
          'The server sent an event that is too large.',
        );
      }
    },
  });
  let endsInCr = false;
  for await (const chunk of body) {
    const text = decoder.decode(chunk, { stream: true });
    parser.feed(text);
    if (text.length > 0) endsInCr = text.endsWith('\r');
    yield* ready.splice(0);
    if (failure) throw failure;
  }
  // The parser holds a final CR back in case an LF follows; at the end of the stream none will,
  // so the CR ended its line (an LF after it makes the CRLF it waited for, and nothing more).
  parser.feed(decoder.decode() + (endsInCr ? '\n' : ''));
  yield* ready.splice(0);
}

/** Formats one SSE event carrying `data` (the local API's side of the stream). */
export function formatSseData(data: string): string {
  return `data: ${data}\n\n`;
}
