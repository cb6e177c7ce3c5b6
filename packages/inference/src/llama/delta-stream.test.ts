import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../engine/types';
import { DeltaStream } from './delta-stream';

const done: EngineEvent = {
  type: 'done',
  tokens: 3,
  ttftMs: 1,
  tokensPerSecond: 1,
  promptTokens: 1,
  reusedTokens: 0,
  restoredTokens: 0,
  stopReason: 'eos',
};

describe('DeltaStream', () => {
  it('sends the first delta at once and coalesces only while one is in flight', () => {
    const sent: EngineEvent[] = [];
    const acks: (() => void)[] = [];
    const stream = new DeltaStream((event, onSent) => {
      sent.push(event);
      acks.push(onSent);
    });
    stream.countTokens(1);
    stream.pushText('a');
    expect(sent).toEqual([{ type: 'delta', text: 'a', tokens: 1 }]);
    stream.countTokens(1);
    stream.pushText('b');
    stream.countTokens(1);
    stream.pushText('c');
    expect(sent).toHaveLength(1);
    acks[0]?.();
    expect(sent[1]).toEqual({ type: 'delta', text: 'bc', tokens: 2 });
  });

  it('sends done only after the last delta, never before it', () => {
    const sent: EngineEvent[] = [];
    const acks: (() => void)[] = [];
    const stream = new DeltaStream((event, onSent) => {
      sent.push(event);
      acks.push(onSent);
    });
    stream.pushText('a');
    stream.pushText('b');
    stream.finish(done);
    expect(sent.map((e) => e.type)).toEqual(['delta']);
    acks[0]?.();
    expect(sent.map((e) => e.type)).toEqual(['delta', 'delta']);
    acks[1]?.();
    expect(sent.map((e) => e.type)).toEqual(['delta', 'delta', 'done']);
  });
});
