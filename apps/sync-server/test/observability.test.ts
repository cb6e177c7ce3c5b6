import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncServer, type SyncServer } from '../src/server';
import { openTestBackend, type TestBackend } from './support/backend';
import { parseExposition, valueOf } from './support/exposition';
import {
  sealedChange,
  signUp,
  startServer,
  statusOf,
  subscribe,
  TEST_TOKEN_SECRET,
} from './support/harness';
import { hasRedisServer, RedisProcess } from './support/redis-process';

let backend: TestBackend;
beforeAll(async () => {
  backend = await openTestBackend();
}, 60_000);
afterAll(async () => {
  await backend?.close();
});

const scrape = async (server: SyncServer) => (await fetch(`${server.metricsUrl}/metrics`)).text();

describe('what /metrics exports', () => {
  it('reports the database pool, dependencies, WebSocket disconnects, pull pages and quota refusals', async () => {
    const server = await startServer(backend, { config: { limits: { maxUserBytes: 300 } } });
    try {
      const { session, dataKey, client } = await signUp(server);
      await client.sync.push.mutate({ changes: [sealedChange({ dataKey, plaintext: 'small' })] });
      await client.sync.pull.query({ cursor: 0 });
      const quota = client.sync.push.mutate({
        changes: [sealedChange({ dataKey, plaintext: 'x'.repeat(400) })],
      });
      expect(await statusOf(quota)).toBe(413);
      const sub = subscribe(server, session.accessToken);
      await sub.waitForMark(1);
      sub.close();
      await expect
        .poll(async () =>
          valueOf(await scrape(server), 'codeface_sync_websocket_disconnects_total'),
        )
        .toBeGreaterThanOrEqual(1);

      const text = await scrape(server);
      expect(valueOf(text, 'codeface_sync_dependency_up', { dependency: 'database' })).toBe(1);
      expect(valueOf(text, 'codeface_sync_dependency_up', { dependency: 'bus' })).toBe(1);
      expect(valueOf(text, 'codeface_sync_db_pool_max_connections')).toBeGreaterThanOrEqual(1);
      expect(valueOf(text, 'codeface_sync_db_pool_connections')).toBeGreaterThanOrEqual(1);
      // The scrape's own ping and size query may be waiting at this very moment.
      expect(valueOf(text, 'codeface_sync_db_pool_waiting_queries')).toBeTypeOf('number');
      expect(valueOf(text, 'codeface_sync_database_size_bytes')).toBeGreaterThan(0);
      expect(valueOf(text, 'codeface_sync_pull_page_changes_count')).toBe(1);
      expect(valueOf(text, 'codeface_sync_pushed_changes_total', { outcome: 'new' })).toBe(1);
      expect(valueOf(text, 'codeface_sync_limit_refusals_total', { limit: 'maxUserBytes' })).toBe(
        1,
      );
      if (backend.kind === 'postgres') {
        expect(valueOf(text, 'codeface_sync_db_pool_acquires_total')).toBeGreaterThan(0);
      }
    } finally {
      await server.close();
    }
  });

  it('serves /metrics on a port of its own when asked, and not on the app port', async () => {
    const server = await startServer(backend, { config: { metricsPort: 0 } });
    try {
      expect(server.metricsUrl).not.toBe(server.url);
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      const text = await scrape(server);
      expect(parseExposition(text).families.get('codeface_sync_websocket_connections')).toBe(
        'gauge',
      );
      expect((await fetch(`${server.metricsUrl}/trpc/sync.pull`)).status).toBe(404);
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.metricsUrl}/metrics`)).rejects.toThrow();
  });

  it('answers only the bearer token when one is set, and says what to send', async () => {
    const token = 'metrics-token-0123456789';
    const server = await startServer(backend, { config: { metricsToken: token } });
    try {
      const bare = await fetch(`${server.url}/metrics`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(JSON.stringify(await bare.json())).toContain('METRICS_TOKEN');
      const wrong = await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${token}x` },
      });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('codeface_sync_http_request_duration_seconds');
    } finally {
      await server.close();
    }
  });
});

if (!hasRedisServer) console.warn('observability.test.ts: Redis metrics skipped, no redis-server.');

describe.skipIf(!hasRedisServer)('Redis health and bus lag', () => {
  it('measure the delay between instances, and see Redis go and come back', async () => {
    const redis = await RedisProcess.start();
    // The servers open their own bus from REDIS_URL, as in production, so that it reports lag.
    const start = async () => {
      const server = await createSyncServer({
        config: {
          host: '127.0.0.1',
          port: 0,
          tokenSecret: TEST_TOKEN_SECRET,
          logLevel: 'silent',
          redisUrl: redis.url,
          passwordHashing: { memoryCost: 256, timeCost: 1, parallelism: 1 },
        },
        db: await backend.openDatabase(),
        rateLimitNamespace: `${backend.namespace}obs:`,
      });
      await server.listen();
      return server;
    };
    const [a, b] = [await start(), await start()];
    try {
      const { session, dataKey, client: onA } = await signUp(a);
      const sub = subscribe(b, session.accessToken);
      await sub.waitForMark(0);
      await onA.sync.push.mutate({ changes: [sealedChange({ dataKey, plaintext: 'hi' })] });
      await sub.waitForMark(1);
      let text = await scrape(b);
      expect(valueOf(text, 'codeface_sync_bus_lag_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(valueOf(text, 'codeface_sync_redis_connected', { connection: 'bus' })).toBe(1);
      expect(valueOf(text, 'codeface_sync_redis_connected', { connection: 'rate-limit' })).toBe(1);

      await redis.stop();
      await expect
        .poll(async () => {
          text = await scrape(b);
          return [
            valueOf(text, 'codeface_sync_redis_connected', { connection: 'bus' }),
            valueOf(text, 'codeface_sync_dependency_up', { dependency: 'bus' }),
          ];
        })
        .toEqual([0, 0]);

      await redis.start();
      await expect
        .poll(async () => valueOf(await scrape(b), 'codeface_sync_bus_resyncs_total'), {
          timeout: 10_000,
        })
        .toBeGreaterThanOrEqual(1);
      sub.close();
    } finally {
      await a.close();
      await b.close();
      await redis.stop();
    }
  }, 60_000);
});
