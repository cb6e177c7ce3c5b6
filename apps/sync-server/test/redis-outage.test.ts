import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncServer } from '../src/server';
import { openTestBackend, type TestBackend } from './support/backend';
import { httpClient, sealedChange, signUp, startServer, subscribe } from './support/harness';
import { hasRedisServer, RedisProcess } from './support/redis-process';

if (!hasRedisServer) {
  console.warn('redis-outage.test.ts skipped: no redis-server binary on the PATH.');
}

describe.skipIf(!hasRedisServer)('when Redis goes down', () => {
  let backend: TestBackend;
  let redis: RedisProcess;
  let a: SyncServer;
  let b: SyncServer;

  beforeAll(async () => {
    backend = await openTestBackend();
    redis = await RedisProcess.start();
    a = await startServer(backend, { redisUrl: redis.url });
    b = await startServer(backend, { redisUrl: redis.url });
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
    await backend?.close();
  });

  it('keeps push and pull working, and subscriptions recover when it returns', async () => {
    const { session, dataKey, client: onA } = await signUp(a);
    const onB = httpClient(b, session.accessToken);
    const sub = subscribe(b, session.accessToken);
    try {
      await sub.waitForMark(0);
      await onA.sync.push.mutate({ changes: [sealedChange({ dataKey, plaintext: 'before' })] });
      await sub.waitForMark(1);

      await redis.stop();
      const during = await onA.sync.push.mutate({
        changes: [sealedChange({ dataKey, plaintext: 'during' })],
      });
      expect(during).toMatchObject({ inserted: 1, highWaterMark: 2 });
      expect((await onB.sync.pull.query({ cursor: 0 })).changes).toHaveLength(2);
      expect((await fetch(`${a.url}/readyz`)).status).toBe(503);
      await expect
        .poll(async () => (await fetch(`${a.url}/metrics`)).text(), { timeout: 10_000 })
        .toMatch(/codeface_sync_bus_publish_failures_total [1-9]/);

      await redis.start();
      // B's subscriber reconnects, re-reads the mark and tells the device to pull what it missed.
      await sub.waitForMark(2, 20_000);
      await expect
        .poll(async () => (await fetch(`${a.url}/readyz`)).status, { timeout: 10_000 })
        .toBe(200);
      await onA.sync.push.mutate({ changes: [sealedChange({ dataKey, plaintext: 'after' })] });
      await sub.waitForMark(3);
      expect(sub.errors).toEqual([]);
    } finally {
      sub.close();
    }
  }, 60_000);
});
