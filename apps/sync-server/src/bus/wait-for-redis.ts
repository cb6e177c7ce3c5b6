import type { Redis } from 'ioredis';

/**
 * Waits until a Redis connection is ready, at most `timeoutMs`. Start-up waits so that the first
 * requests find Redis connected, but a Redis that is down never stops the server from starting:
 * everything that uses Redis degrades on its own.
 */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}
