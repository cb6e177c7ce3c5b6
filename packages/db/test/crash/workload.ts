/**
 * The text a crash-test message holds after `chunks` writes. Both the child that writes and the
 * parent that checks derive it from the message id, so an acknowledgement needs only a count.
 */
export function contentFor(id: string, chunks: number): string {
  let text = '';
  for (let index = 0; index < chunks; index += 1) text += `w${index % 97}.${id.slice(-4)} `;
  return text;
}

/** How many chunks a text holds, if it is exactly a `contentFor` text; otherwise null. */
export function chunksIn(id: string, text: string): number | null {
  const chunks = text.length === 0 ? 0 : text.split(' ').length - 1;
  return contentFor(id, chunks) === text ? chunks : null;
}

/** A small seeded generator (mulberry32), so a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One line per committed write, printed only after the commit returned:
 * `append <id> <chunks>` a finished user message; `stream <id> <chunks>` a streaming message
 * whose text had at least that many chunks; `done <id> <chunks>` a finished streamed message.
 */
export type Ack = { kind: 'append' | 'stream' | 'done'; id: string; chunks: number };

export function parseAck(line: string): Ack | null {
  const [kind, id, chunks] = line.split(' ');
  if ((kind !== 'append' && kind !== 'stream' && kind !== 'done') || id === undefined) return null;
  return { kind, id, chunks: Number(chunks) };
}
