import type { EngineEvent } from '../src/index';

export type Collected = {
  text: string;
  deltas: number;
  deltaTokens: number;
  end: EngineEvent | undefined;
};

/** Reads a chat stream to its end; `onDelta` may act mid-stream (stop, kill). */
export async function collect(
  stream: AsyncIterable<EngineEvent>,
  onDelta?: (collected: Collected) => void,
): Promise<Collected> {
  const collected: Collected = { text: '', deltas: 0, deltaTokens: 0, end: undefined };
  for await (const event of stream) {
    if (event.type === 'delta') {
      collected.text += event.text;
      collected.deltas++;
      collected.deltaTokens += event.tokens;
      onDelta?.(collected);
    } else {
      collected.end = event;
    }
  }
  return collected;
}
