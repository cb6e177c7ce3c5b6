import { describe, expect, it } from 'vitest';
import { ClockError, HybridLogicalClock, formatHlc, parseHlc } from './hlc';

function manualClock(start: number) {
  let time = start;
  return {
    now: () => time,
    set: (value: number) => {
      time = value;
    },
  };
}

describe('HybridLogicalClock', () => {
  it('sends monotonically even when the wall clock goes back', () => {
    const wall = manualClock(1_000_000);
    const clock = new HybridLogicalClock({ node: 'a', now: wall.now });
    const first = clock.send();
    wall.set(500_000);
    const second = clock.send();
    const third = clock.send();
    expect(second > first).toBe(true);
    expect(third > second).toBe(true);
    expect(parseHlc(third)).toEqual({ millis: 1_000_000, counter: 2, node: 'a' });
  });

  it('resets the counter when the wall clock moves on', () => {
    const wall = manualClock(1_000);
    const clock = new HybridLogicalClock({ node: 'a', now: wall.now });
    clock.send();
    clock.send();
    wall.set(2_000);
    expect(parseHlc(clock.send())).toEqual({ millis: 2_000, counter: 0, node: 'a' });
  });

  it('moves past a received timestamp from a node whose clock is ahead', () => {
    const wall = manualClock(10_000);
    const clock = new HybridLogicalClock({ node: 'a', now: wall.now });
    const remote = formatHlc({ millis: 20_000, counter: 7, node: 'b' });
    const merged = clock.recv(remote);
    expect(parseHlc(merged)).toEqual({ millis: 20_000, counter: 8, node: 'a' });
    expect(clock.send() > remote).toBe(true);
  });

  it('keeps its own counter when receiving an older timestamp', () => {
    const wall = manualClock(10_000);
    const clock = new HybridLogicalClock({ node: 'a', now: wall.now });
    clock.send();
    clock.send();
    const merged = clock.recv(formatHlc({ millis: 5_000, counter: 3, node: 'b' }));
    expect(parseHlc(merged)).toEqual({ millis: 10_000, counter: 2, node: 'a' });
  });

  it('takes the larger counter when both clocks are at the same millisecond', () => {
    const wall = manualClock(9_000);
    const clock = new HybridLogicalClock({ node: 'a', now: wall.now });
    clock.recv(formatHlc({ millis: 10_000, counter: 1, node: 'b' }));
    const merged = clock.recv(formatHlc({ millis: 10_000, counter: 5, node: 'c' }));
    expect(parseHlc(merged)).toEqual({ millis: 10_000, counter: 6, node: 'a' });
  });

  it('uses the wall clock when it is ahead of both', () => {
    const wall = manualClock(50_000);
    const clock = new HybridLogicalClock({ node: 'a', now: wall.now });
    const merged = clock.recv(formatHlc({ millis: 10_000, counter: 5, node: 'b' }));
    expect(parseHlc(merged)).toEqual({ millis: 50_000, counter: 0, node: 'a' });
  });

  it('refuses a remote timestamp beyond the drift limit with its own error', () => {
    const wall = manualClock(1);
    const clock = new HybridLogicalClock({ node: 'a', now: wall.now, maxDriftMs: 1_000 });
    const before = clock.send();
    const far = formatHlc({ millis: 1_002, counter: 0, node: 'b' });
    expect(() => clock.recv(far)).toThrow(ClockError);
    try {
      clock.recv(far);
    } catch (error) {
      expect((error as ClockError).code).toBe('clock-drift');
    }
    // The refused timestamp did not move the clock.
    expect(parseHlc(clock.send())).toEqual({ ...parseHlc(before), counter: 1 });
    expect(() => clock.recv(formatHlc({ millis: 1_001, counter: 0, node: 'b' }))).not.toThrow();
  });

  it('fails loudly rather than wrapping the counter', () => {
    const clock = new HybridLogicalClock({
      node: 'a',
      now: () => 0,
      last: formatHlc({ millis: 0, counter: 0xffff, node: 'a' }),
    });
    expect(() => clock.send()).toThrow(expect.objectContaining({ code: 'counter-overflow' }));
  });

  it('continues after the last timestamp it is given at start', () => {
    const clock = new HybridLogicalClock({
      node: 'a',
      now: () => 100,
      last: formatHlc({ millis: 5_000, counter: 3, node: 'a' }),
    });
    expect(parseHlc(clock.send())).toEqual({ millis: 5_000, counter: 4, node: 'a' });
  });

  it('rejects malformed timestamps and node ids', () => {
    const clock = new HybridLogicalClock({ node: 'a', now: () => 0 });
    expect(() => clock.recv('yesterday')).toThrow(
      expect.objectContaining({ code: 'invalid-timestamp' }),
    );
    expect(() => new HybridLogicalClock({ node: '', now: () => 0 })).toThrow(ClockError);
  });
});

describe('HLC string form', () => {
  it('sorts as text in timestamp order', () => {
    const stamps = [
      { millis: 1, counter: 0, node: 'b' },
      { millis: 1, counter: 0, node: 'a' },
      { millis: 1, counter: 10, node: 'a' },
      { millis: 1, counter: 2, node: 'z' },
      { millis: 999, counter: 0, node: 'a' },
      { millis: 1_000, counter: 0, node: 'a' },
      { millis: Date.UTC(2030, 0, 1), counter: 0, node: 'a' },
    ];
    const byValue = [...stamps].sort(
      (x, y) => x.millis - y.millis || x.counter - y.counter || (x.node < y.node ? -1 : 1),
    );
    const byText = [...stamps].sort((x, y) => (formatHlc(x) < formatHlc(y) ? -1 : 1));
    expect(byText).toEqual(byValue);
  });

  it('round-trips, node ids with dashes included', () => {
    const stamp = { millis: 1_700_000_000_123, counter: 0xab, node: 'dev-1-x' };
    expect(parseHlc(formatHlc(stamp))).toEqual(stamp);
  });
});
