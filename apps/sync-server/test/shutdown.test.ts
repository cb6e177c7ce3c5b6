import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../src/storage/sql-database';
import { openTestBackend, type TestBackend } from './support/backend';
import { sealedChange, signUp, startServer, subscribe } from './support/harness';

describe('graceful shutdown', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await openTestBackend();
  }, 60_000);

  afterAll(async () => {
    await backend?.close();
  });

  it('finishes the push in flight, closes WebSockets and stops listening', async () => {
    // A database whose next transaction waits at a gate, so the test can close the server
    // while a push is certainly inside the handler.
    const base = await backend.openDatabase();
    let armed = false;
    let entered = () => {};
    let release = () => {};
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const db: SqlDatabase = {
      ...base,
      transaction: async (work) => {
        if (armed) {
          armed = false;
          entered();
          await gate;
        }
        return base.transaction(work);
      },
    };
    const server = await startServer(backend, { db });
    const { session, dataKey, client } = await signUp(server);
    const sub = subscribe(server, session.accessToken);
    try {
      await sub.waitForMark(0);
      expect((await server.metrics.websocketConnections.get()).values[0]?.value).toBe(1);
      armed = true;
      const push = client.sync.push.mutate({
        changes: [sealedChange({ dataKey, plaintext: 'last words' })],
      });
      await inside;
      const closing = server.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      release();
      expect(await push).toMatchObject({ inserted: 1 });

      await closing;
      expect((await server.metrics.websocketConnections.get()).values[0]?.value).toBe(0);
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    } finally {
      sub.close();
    }
  });
});
