import { describe, expect, it } from 'vitest';
import { createFrameBatcher, type FrameScheduler } from './frameBatcher';

function manualFrames(): FrameScheduler & { tick: () => void; scheduled: () => number } {
  let queue: Array<() => void> = [];
  let requests = 0;
  return {
    request(callback) {
      requests++;
      queue.push(callback);
      return queue.length;
    },
    cancel() {
      queue = [];
    },
    tick() {
      const run = queue;
      queue = [];
      for (const callback of run) callback();
    },
    scheduled: () => requests,
  };
}

describe('createFrameBatcher', () => {
  it('delivers every item of a frame in one flush and schedules one frame for them', () => {
    const frames = manualFrames();
    const flushes: string[][] = [];
    const batcher = createFrameBatcher<string>({
      scheduler: frames,
      flush: (i) => flushes.push(i),
    });
    for (const t of ['a', 'b', 'c']) batcher.push(t);
    expect(flushes).toEqual([]);
    expect(frames.scheduled()).toBe(1);
    frames.tick();
    batcher.push('d');
    frames.tick();
    expect(flushes).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('flushes pending items at once on flushNow and not again on the frame', () => {
    const frames = manualFrames();
    const flushes: string[][] = [];
    const batcher = createFrameBatcher<string>({
      scheduler: frames,
      flush: (i) => flushes.push(i),
    });
    batcher.push('x');
    batcher.flushNow();
    frames.tick();
    expect(flushes).toEqual([['x']]);
  });
});
