import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createAttemptCounter, type AttemptCounter } from './attempt-counter';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL;

/** What every counter does, shared or local. */
async function countsInWindows(counter: AttemptCounter, advance: (ms: number) => Promise<void>) {
  expect(await counter.hit('a', 1000)).toMatchObject({ count: 1 });
  const second = await counter.hit('a', 1000);
  expect(second.count).toBe(2);
  expect(second.resetInMs).toBeGreaterThan(0);
  expect(second.resetInMs).toBeLessThanOrEqual(1000);
  expect(await counter.count('a')).toBe(2);
  expect(await counter.count('b')).toBe(0);
  await counter.reset('a');
  expect(await counter.count('a')).toBe(0);
  await counter.hit('c', 50);
  await advance(60);
  expect(await counter.count('c')).toBe(0);
  expect(await counter.hit('c', 50)).toMatchObject({ count: 1 });
}

describe('attempt counter', () => {
  it('counts in fixed windows in memory', async () => {
    let clock = 0;
    const counter = createAttemptCounter({
      redis: undefined,
      namespace: '',
      now: () => clock,
      onRedisError: () => undefined,
    });
    await countsInWindows(counter, async (ms) => {
      clock += ms;
    });
  });

  it('counts on this instance when Redis fails, and says so', async () => {
    const broken = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const errors: unknown[] = [];
    let clock = 0;
    const counter = createAttemptCounter({
      redis: broken,
      namespace: '',
      now: () => clock,
      onRedisError: (error) => errors.push(error),
    });
    await countsInWindows(counter, async (ms) => {
      clock += ms;
    });
    expect(errors.length).toBeGreaterThan(0);
    broken.disconnect();
  });

  describe.runIf(TEST_REDIS_URL)('in Redis', () => {
    const redis = new Redis(TEST_REDIS_URL ?? '');
    afterAll(() => redis.disconnect());

    it('counts in fixed windows that every instance shares', async () => {
      const namespace = `cftest-${randomUUID()}:`;
      const options = { redis, namespace, now: Date.now, onRedisError: () => undefined };
      const one = createAttemptCounter(options);
      await countsInWindows(one, (ms) => new Promise((resolve) => setTimeout(resolve, ms)));
      await one.hit('shared', 60_000);
      expect(await createAttemptCounter(options).hit('shared', 60_000)).toMatchObject({ count: 2 });
    });
  });
});
