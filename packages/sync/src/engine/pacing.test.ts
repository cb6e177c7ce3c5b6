import { describe, expect, it } from 'vitest';
import { TokenBucket, backoffDelay } from './pacing';

describe('backoffDelay', () => {
  const policy = { baseMs: 1000, maxMs: 8000 };
  it('doubles up to the ceiling, drawn from the upper half of each wait', () => {
    const low = [1, 2, 3, 4, 5, 40].map((attempt) => backoffDelay(attempt, policy, () => 0));
    const high = [1, 2, 3, 4, 5, 40].map((attempt) => backoffDelay(attempt, policy, () => 0.999));
    expect(low).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(high).toEqual([1000, 1999, 3998, 7996, 7996, 7996]);
  });
});

describe('TokenBucket', () => {
  it('lets a burst through, then paces to the rate', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 2, perSecond: 4 }, () => now);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 250]);
    now = 250;
    expect(bucket.take()).toBe(0);
    now = 10_000;
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 250]);
  });
});
