import { describe, expect, it } from 'vitest';
import { coalesceDeltas } from './coalesce-deltas';
import type { EngineEvent } from './ports';

async function* fromArray(events: EngineEvent[]): AsyncGenerator<EngineEvent> {
  for (const event of events) yield event;
}

const delta = (text: string): EngineEvent => ({ type: 'delta', text, tokens: 1 });
const done: EngineEvent = {
  type: 'done',
  completionTokens: 3,
  timeToFirstTokenMs: 1,
  tokensPerSecond: 10,
  promptTokens: 2,
  stopReason: 'eos',
  reusedTokens: 0,
  restoredTokens: 0,
};

describe('coalesceDeltas', () => {
  it('hands each token over on its own when the consumer keeps up', async () => {
    const source = (async function* () {
      for (const text of ['a', 'b', 'c']) {
        yield delta(text);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      yield done;
    })();
    const seen: EngineEvent[] = [];
    for await (const event of coalesceDeltas(source)) seen.push(event);
    expect(seen).toEqual([delta('a'), delta('b'), delta('c'), done]);
  });

  it('merges tokens that arrive while the previous event is still in flight', async () => {
    let release: () => void = () => undefined;
    let held = true;
    const ready = () =>
      held
        ? new Promise<void>((resolve) => {
            release = resolve;
          })
        : Promise.resolve();
    const events = coalesceDeltas(fromArray([delta('a'), delta('b'), delta('c'), done]), ready);
    const first = events.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    held = false;
    release();
    const seen = [(await first).value];
    for await (const event of events) seen.push(event);
    expect(seen).toEqual([{ type: 'delta', text: 'abc', tokens: 3 }, done]);
  });

  it('rethrows a failure of the source after what came before it', async () => {
    const source = (async function* () {
      yield delta('a');
      throw new Error('engine died');
    })();
    const seen: EngineEvent[] = [];
    await expect(async () => {
      for await (const event of coalesceDeltas(source)) seen.push(event);
    }).rejects.toThrow('engine died');
    expect(seen).toEqual([delta('a')]);
  });
});
