import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncServer } from '../src/server';
import { openTestBackend, type TestBackend } from './support/backend';
import { httpClient, sealedChange, signUp, startServer, subscribe } from './support/harness';

/**
 * Two instances on two ports sharing the database and the bus (Postgres + Redis when the test
 * services are set, else one PGlite and one in-process bus), as behind a load balancer.
 */
describe('two instances', () => {
  let backend: TestBackend;
  let a: SyncServer;
  let b: SyncServer;

  beforeAll(async () => {
    backend = await openTestBackend();
    [a, b] = await Promise.all([startServer(backend), startServer(backend)]);
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await backend?.close();
  });

  it('a device subscribed to B hears about a push made to A', async () => {
    expect(a.url).not.toBe(b.url);
    const { session, dataKey, client: onA } = await signUp(a);
    const sub = subscribe(b, session.accessToken);
    try {
      await sub.waitForMark(0);
      await onA.sync.push.mutate({
        changes: [
          sealedChange({ dataKey, plaintext: 'one' }),
          sealedChange({ dataKey, plaintext: 'two' }),
        ],
      });
      await sub.waitForMark(2);
      const pulled = await httpClient(b, session.accessToken).sync.pull.query({ cursor: 0 });
      expect(pulled.changes.map((c) => c.seq)).toEqual([1, 2]);
    } finally {
      sub.close();
    }
  });

  it('keeps sequence numbers gap-free when both instances take pushes at once', async () => {
    const { session, dataKey } = await signUp(a);
    const clients = [httpClient(a, session.accessToken), httpClient(b, session.accessToken)];
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        clients[i % 2]?.sync.push.mutate({
          changes: [
            sealedChange({ dataKey, plaintext: `${i}` }),
            sealedChange({ dataKey, plaintext: `${i}'` }),
          ],
        }),
      ),
    );
    const seqs = results.flatMap((r) => r?.accepted.map((x) => x.seq) ?? []).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  it('revoking a device on A stops its subscription on B', async () => {
    const { email, password, client: onA } = await signUp(a);
    const phone = await httpClient(b).account.signIn.mutate({
      email,
      password,
      deviceName: 'phone',
    });
    const sub = subscribe(b, phone.accessToken);
    try {
      await sub.waitForMark(0);
      await onA.devices.revoke.mutate({ deviceId: phone.deviceId });
      await expect.poll(() => sub.errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
    } finally {
      sub.close();
    }
  });
});
