import type { Redis } from 'ioredis';

/**
 * Fixed-window counters of attempts (sign-ins, sign-ups), in Redis when there is one, so that
 * every instance counts together. Counting is increment-first: a burst of concurrent attempts
 * cannot all pass a check made before any of them is counted. If Redis fails, this instance
 * counts on its own rather than letting attempts through unlimited.
 */
export type AttemptCounter = {
  /** Counts one attempt under `key`; returns the window's count so far and its time left. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
  /** The count under `key`, 0 when none or expired. */
  count(key: string): Promise<number>;
  reset(key: string): Promise<void>;
};

export function createAttemptCounter(options: {
  redis: Redis | undefined;
  namespace: string;
  now: () => number;
  onRedisError: (error: unknown) => void;
}): AttemptCounter {
  const memory = createMemoryCounter(options.now);
  const { redis } = options;
  if (!redis) return memory;
  const key = (name: string) => `${options.namespace}attempts:${name}`;
  const orMemory = async <T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> => {
    try {
      return await shared();
    } catch (error) {
      options.onRedisError(error);
      return local();
    }
  };
  return {
    hit: (name, windowMs) =>
      orMemory(
        async () => {
          const replies = await redis
            .multi()
            .set(key(name), 0, 'PX', windowMs, 'NX')
            .incr(key(name))
            .pttl(key(name))
            .exec();
          const failed = replies?.find(([error]) => error)?.[0];
          if (!replies || failed) throw failed ?? new Error('Redis transaction aborted');
          return {
            count: Number(replies[1]?.[1]),
            resetInMs: Math.max(0, Number(replies[2]?.[1])),
          };
        },
        () => memory.hit(name, windowMs),
      ),
    count: (name) =>
      orMemory(
        async () => Number((await redis.get(key(name))) ?? 0),
        () => memory.count(name),
      ),
    reset: (name) =>
      orMemory(
        async () => {
          await redis.del(key(name));
        },
        () => memory.reset(name),
      ),
  };
}

/** Holds at most this many windows; past it, expired ones are dropped (and, failing that, the oldest). */
const MEMORY_MAX_KEYS = 100_000;

function createMemoryCounter(now: () => number): AttemptCounter {
  const windows = new Map<string, { count: number; endsAt: number }>();
  const live = (name: string) => {
    const window = windows.get(name);
    if (window && window.endsAt <= now()) windows.delete(name);
    return windows.get(name);
  };
  const makeRoom = () => {
    if (windows.size < MEMORY_MAX_KEYS) return;
    for (const [name, window] of windows) if (window.endsAt <= now()) windows.delete(name);
    if (windows.size >= MEMORY_MAX_KEYS) windows.delete(windows.keys().next().value as string);
  };
  return {
    async hit(name, windowMs) {
      let window = live(name);
      if (!window) {
        makeRoom();
        window = { count: 0, endsAt: now() + windowMs };
        windows.set(name, window);
      }
      window.count++;
      return { count: window.count, resetInMs: window.endsAt - now() };
    },
    async count(name) {
      return live(name)?.count ?? 0;
    },
    async reset(name) {
      windows.delete(name);
    },
  };
}
