import type { MergeReport } from '@codeface/db';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateDataKey } from '../src/crypto';
import { sealOutgoing } from '../src/engine/payload';
import { type SyncStatus, SyncEngine, SyncError } from '../src/engine';
import type { SyncPolicy } from '../src/engine/sync-engine';
import type { SyncTransport } from '../src/engine/ports';
import { DeviceFaults, MemoryServer } from './support/memory-server';
import { ManualTimers } from './support/manual-timers';
import { type Replica, openReplica, removeReplicaFolders } from './support/replicas';

const dataKey = generateDataKey();
const opened: Replica[] = [];
const engines: SyncEngine[] = [];

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop();
  for (const replica of opened.splice(0)) replica.close();
  removeReplicaFolders();
});

type Device = {
  replica: Replica;
  engine: SyncEngine;
  timers: ManualTimers;
  faults: DeviceFaults;
  statuses: SyncStatus[];
};

function device(
  name: string,
  server: MemoryServer,
  options: { start?: number; policy?: Partial<SyncPolicy>; wrap?: (t: SyncTransport) => void } = {},
): Device {
  const replica = openReplica(name, options.start);
  opened.push(replica);
  const timers = new ManualTimers(replica.clock);
  const faults = new DeviceFaults();
  const transport = server.transportFor(name, faults);
  options.wrap?.(transport);
  const engine = new SyncEngine({
    store: replica.store,
    transport,
    dataKey,
    account: 'memory|user-1',
    now: () => replica.clock.now,
    random: () => 0.5,
    timers,
    policy: options.policy,
  });
  engines.push(engine);
  const statuses: SyncStatus[] = [];
  engine.onStatus((status) => statuses.push(status));
  return { replica, engine, timers, faults, statuses };
}

/**
 * Lets every pending promise run. The memory server answers in microtasks and the store is
 * synchronous; a pull takes a turn of the event loop per page (to let the next page's request
 * out while this one is merged), so a few turns finish whatever sync work was started.
 */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

function nextRemoteChanges(engine: SyncEngine): Promise<MergeReport> {
  return new Promise((resolve) => {
    const stop = engine.onRemoteChanges((report) => {
      stop();
      resolve(report);
    });
  });
}

// Real stores on a shared, busy machine: generous time per test (nothing here waits for time).
describe('SyncEngine', { timeout: 60_000 }, () => {
  it('shows a chat made on A on B through the subscription, without polling', async () => {
    const server = new MemoryServer();
    const a = device('device-a', server);
    const b = device('device-b', server);
    a.engine.start();
    b.engine.start();
    await settle();
    const pullsBefore = server.requests.filter((r) => r.device === 'device-b').length;

    const received = nextRemoteChanges(b.engine);
    const chat = a.replica.store.chats.create({ title: 'Made on A' });
    a.replica.store.messages.append({ chatId: chat.id, role: 'user', content: 'hello from A' });
    const report = await received;

    expect([...report.chatIds]).toEqual([chat.id]);
    expect(b.replica.store.chats.get(chat.id)?.title).toBe('Made on A');
    expect(b.replica.store.messages.activeBranch(chat.id).map((m) => m.content)).toEqual([
      'hello from A',
    ]);
    // One pull, on the server's "pull now": no timer had to fire.
    expect(server.requests.filter((r) => r.device === 'device-b').length).toBe(pullsBefore + 1);
    await settle();
    expect(a.engine.status()).toMatchObject({ state: 'synced', toSend: 0, error: null });
    expect(b.replica.store.changes.latestCursor()).toBe(0);
  });

  it('goes offline, backs off with jitter, and catches up days later', async () => {
    const server = new MemoryServer();
    const a = device('device-a', server);
    const b = device('device-b', server);
    a.engine.start();
    b.faults.offline = true;
    b.engine.start();
    await settle();
    expect(b.engine.status()).toMatchObject({
      state: 'offline',
      retryAt: b.replica.clock.now + 750,
    });
    expect(b.engine.status().error?.message).toMatch(/cannot be reached/);

    b.timers.advance(750);
    await settle();
    // The second wait doubles: 1000 × 2, drawn from its upper half.
    expect(b.engine.status().retryAt).toBe(b.replica.clock.now + 1500);

    const chat = a.replica.store.chats.create({ title: 'While B was away' });
    await settle();
    // Three days asleep: the clock moves on, no timer fires meanwhile.
    b.replica.clock.now += 3 * 24 * 3600_000;
    b.faults.offline = false;
    b.engine.syncNow();
    await settle();
    expect(b.replica.store.chats.get(chat.id)?.title).toBe('While B was away');
    expect(b.engine.status()).toMatchObject({ state: 'synced', error: null, retryAt: null });
    expect(server.subscriberCount).toBe(2);
  });

  it('signs out cleanly when the device is revoked, and sends nothing after', async () => {
    const server = new MemoryServer();
    const a = device('device-a', server);
    a.engine.start();
    await settle();
    server.endStreams(new SyncError('device-revoked', 'This device was revoked.'));
    expect(a.engine.status().state).toBe('signed-out');
    expect(a.engine.status().error?.message).toMatch(/signed out of sync/);
    expect(a.timers.waiting()).toEqual([]);

    const requests = server.requests.length;
    a.replica.store.chats.create({ title: 'still works offline' });
    await settle();
    expect(server.requests.length).toBe(requests);
    expect(a.replica.store.chats.list()).toHaveLength(1);
  });

  it('says to update when the server speaks a newer protocol, and keeps working locally', async () => {
    const server = new MemoryServer();
    const a = device('device-a', server, {
      wrap: (transport) => {
        transport.limits = () =>
          Promise.reject(new SyncError('protocol-version', 'Protocol 1 is not spoken here.'));
      },
    });
    a.engine.start();
    await settle();
    expect(a.engine.status()).toMatchObject({ state: 'update-required', retryAt: null });
    expect(a.engine.status().error?.message).toBe(
      'The sync server is newer than this app. Update CodeFace to keep syncing.',
    );
    a.replica.store.chats.create({ title: 'offline work' });
    expect(a.replica.store.chats.list()).toHaveLength(1);
  });

  it('quarantines a change the server altered, and merges the rest', async () => {
    const server = new MemoryServer();
    const a = device('device-a', server);
    a.engine.start();
    const altered = a.replica.store.chats.create({ title: 'Altered on the server' });
    await settle();
    const intact = a.replica.store.chats.create({ title: 'Intact' });
    await settle();
    server.tamper(1, 30);

    const b = device('device-b', server);
    b.engine.start();
    await settle();
    expect(b.replica.store.chats.get(intact.id)?.title).toBe('Intact');
    expect(b.replica.store.chats.get(altered.id)).toBeNull();
    expect(b.engine.status()).toMatchObject({ state: 'synced', quarantined: 1 });
    expect(b.engine.quarantined()).toMatchObject([
      { seq: 1, deviceId: 'device-a', reason: 'decrypt-failure' },
    ]);
    expect(b.replica.store.sync.cursors().pullCursor).toBe(2);

    // A restart tries it again (a newer app might open it): still set aside, nothing applied.
    await b.engine.stop();
    b.engine.start();
    await settle();
    expect(b.engine.status().quarantined).toBe(1);
    expect(b.replica.store.chats.get(altered.id)).toBeNull();
  });

  it('waits as long as the server asks when rate limited', async () => {
    const server = new MemoryServer();
    let refuse = true;
    const a = device('device-a', server, {
      wrap: (transport) => {
        const push = transport.push;
        transport.push = (changes) => {
          if (!refuse) return push(changes);
          refuse = false;
          return Promise.reject(
            new SyncError('rate-limited', 'Slow down.', { retryAfterMs: 30_000 }),
          );
        };
      },
    });
    a.replica.store.chats.create({ title: 'queued' });
    a.engine.start();
    await settle();
    expect(a.engine.status()).toMatchObject({
      state: 'error',
      toSend: 1,
      retryAt: a.replica.clock.now + 30_000,
    });
    a.timers.advance(30_000);
    await settle();
    expect(a.engine.status()).toMatchObject({ state: 'synced', toSend: 0 });
    expect(server.stored).toHaveLength(1);
  });

  it('shows progress while a new device catches up, then clears it', async () => {
    const server = new MemoryServer();
    server.limits = { ...server.limits, maxPullChanges: 2 };
    const a = device('device-a', server);
    a.engine.start();
    for (let i = 0; i < 5; i += 1) a.replica.store.chats.create({ title: `chat ${i}` });
    await settle();

    const b = device('device-b', server);
    b.engine.start();
    await settle();
    expect(b.statuses.flatMap((s) => (s.progress === null ? [] : [s.progress]))).toEqual([
      { received: 2, total: 5 },
      { received: 4, total: 5 },
    ]);
    expect(b.engine.status()).toMatchObject({ state: 'synced', progress: null });
    expect(b.replica.store.chats.list()).toHaveLength(5);
  });

  it('keeps a change larger than the server takes on the device, and says so', async () => {
    const server = new MemoryServer();
    server.limits = { ...server.limits, maxChangeBytes: 400 };
    const a = device('device-a', server);
    const chat = a.replica.store.chats.create({ title: 'small' });
    a.replica.store.messages.append({ chatId: chat.id, role: 'user', content: 'x'.repeat(1000) });
    a.engine.start();
    await settle();
    expect(a.engine.status()).toMatchObject({ state: 'synced', toSend: 0 });
    expect(a.engine.status().error?.message).toMatch(/larger than the sync server takes \(400/);
    expect(server.stored).toHaveLength(1);
    // It stays said after later syncs have nothing to send.
    a.replica.store.chats.rename(chat.id, 'renamed');
    await settle();
    expect(server.stored).toHaveLength(2);
    expect(a.engine.status().error?.code).toBe('limit-exceeded');
  });

  it('paces a stream of small syncs, and pulls on the heartbeat', async () => {
    const server = new MemoryServer();
    const a = device('device-a', server, {
      policy: { runs: { burst: 1, perSecond: 1 }, heartbeatMs: 60_000 },
    });
    a.engine.start();
    await settle();
    a.replica.store.chats.create({ title: 'paced' });
    await settle();
    expect(a.engine.status().toSend).toBe(1);
    expect(a.timers.waiting()[0]).toBeGreaterThan(0);
    a.timers.advance(1000);
    await settle();
    expect(a.engine.status()).toMatchObject({ state: 'synced', toSend: 0 });
    // The server's "pull now" for that push came during the run: its pull waits its turn.
    a.timers.advance(1000);
    await settle();
    expect(a.timers.waiting()).toHaveLength(1);

    const pulls = () => server.requests.filter((r) => r.kind === 'pull').length;
    const before = pulls();
    a.timers.advance(60_000);
    await settle();
    expect(pulls()).toBe(before + 1);
  });

  it('merges a change from a clock that ran ahead once its time has come', async () => {
    const server = new MemoryServer();
    const start = Date.UTC(2026, 0, 1);
    const a = device('device-a', server, { start: start + 10 * 60_000 });
    const b = device('device-b', server, { start });
    a.engine.start();
    const chat = a.replica.store.chats.create({ title: 'from the future' });
    await settle();
    b.engine.start();
    await settle();
    expect(b.engine.quarantined()).toMatchObject([{ reason: 'clock-ahead' }]);
    expect(b.replica.store.chats.get(chat.id)).toBeNull();

    b.timers.advance(10 * 60_000);
    await settle();
    expect(b.replica.store.chats.get(chat.id)?.title).toBe('from the future');
    expect(b.engine.status().quarantined).toBe(0);
  });

  it('resubscribes with backoff when the live stream drops, and at once on syncNow', async () => {
    const server = new MemoryServer();
    const a = device('device-a', server);
    a.engine.start();
    await settle();
    server.restart();
    expect(server.subscriberCount).toBe(0);
    expect(a.timers.waiting()).toContain(750);
    a.timers.advance(750);
    await settle();
    expect(server.subscriberCount).toBe(1);

    server.restart();
    a.engine.syncNow();
    await settle();
    expect(server.subscriberCount).toBe(1);
    expect(a.timers.waiting()).not.toContain(750);
  });

  it('stops after the run in progress, keeping unsent changes for the next start', async () => {
    const server = new MemoryServer();
    const a = device('device-a', server);
    a.engine.start();
    a.engine.start();
    await settle();
    await a.engine.stop();
    expect(a.engine.status().state).toBe('stopped');
    expect(server.subscriberCount).toBe(0);
    a.replica.store.chats.create({ title: 'written while stopped' });
    a.engine.syncNow();
    await settle();
    expect(server.stored).toHaveLength(0);

    a.engine.start();
    await settle();
    expect(server.stored).toHaveLength(1);
    expect(a.engine.status()).toMatchObject({ state: 'synced', toSend: 0 });
  });

  it('pushes in batches within the server limit, and sends no device setting', async () => {
    const server = new MemoryServer();
    server.limits = { ...server.limits, maxBatchChanges: 2 };
    const a = device('device-a', server);
    for (let i = 0; i < 5; i += 1) a.replica.store.chats.create({ title: `chat ${i}` });
    a.replica.store.settings.set('gpuLayers', 12);
    a.engine.start();
    await settle();
    const pushes = server.requests.filter((r) => r.kind === 'push');
    expect(pushes).toHaveLength(3);
    expect(server.stored).toHaveLength(5);
    expect(a.engine.status()).toMatchObject({ state: 'synced', toSend: 0 });
  });

  it("merges the person's settings from another device and says which changed", async () => {
    const server = new MemoryServer();
    const a = device('device-a', server);
    const b = device('device-b', server);
    a.engine.start();
    b.engine.start();
    await settle();
    const received = nextRemoteChanges(b.engine);
    a.replica.store.settings.set('theme', 'dark');
    const report = await received;
    expect([...report.settingKeys]).toEqual(['theme']);
    expect(b.replica.store.settings.get('theme')).toBe('dark');
  });

  it('keeps the pages merged before the connection broke, and pulls the rest later', async () => {
    const server = new MemoryServer();
    server.limits = { ...server.limits, maxPullChanges: 2 };
    const a = device('device-a', server);
    a.engine.start();
    for (let i = 0; i < 5; i += 1) a.replica.store.chats.create({ title: `chat ${i}` });
    await settle();
    const b = device('device-b', server);
    b.faults.pagesLeft = 1;
    b.engine.start();
    await settle();
    expect(b.engine.status().state).toBe('offline');
    expect(b.replica.store.sync.cursors().pullCursor).toBe(2);
    expect(b.replica.store.chats.list()).toHaveLength(2);
    b.faults.heal();
    b.engine.syncNow();
    await settle();
    expect(b.replica.store.chats.list()).toHaveLength(5);
  });

  it('refuses a page that does not move the cursor on', async () => {
    const server = new MemoryServer();
    const a = device('device-a', server);
    a.engine.start();
    a.replica.store.chats.create({ title: 'one' });
    await settle();
    const b = device('device-b', server, {
      wrap: (transport) => {
        transport.pull = async ({ cursor }) => ({
          changes: [],
          nextCursor: cursor,
          hasMore: true,
          highWaterMark: 1,
        });
      },
    });
    b.engine.start();
    await settle();
    expect(b.engine.status()).toMatchObject({
      state: 'error',
      error: { code: 'invalid-response' },
    });
    expect(b.replica.store.sync.cursors().pullCursor).toBe(0);
  });

  it('retries a failure of its own (not a sync error) with backoff, as internal', async () => {
    const server = new MemoryServer();
    let fail = true;
    const a = device('device-a', server, {
      wrap: (transport) => {
        const pull = transport.pull;
        transport.pull = (input) => {
          if (!fail) return pull(input);
          fail = false;
          return Promise.reject(new TypeError('a bug'));
        };
      },
    });
    a.engine.start();
    await settle();
    expect(a.engine.status()).toMatchObject({
      state: 'error',
      error: { code: 'internal' },
      retryAt: a.replica.clock.now + 750,
    });
    a.timers.advance(750);
    await settle();
    expect(a.engine.status()).toMatchObject({ state: 'synced', error: null });
  });

  it('ignores a stream that reports its end after the engine stopped', async () => {
    const server = new MemoryServer();
    const a = device('device-a', server, {
      wrap: (transport) => {
        const subscribe = transport.subscribe;
        // A transport that reports its own close as the end of the stream.
        transport.subscribe = (handlers) => {
          const subscription = subscribe(handlers);
          return {
            close: () => {
              subscription.close();
              handlers.onError(new SyncError('network', 'closed'));
            },
          };
        };
      },
    });
    a.engine.start();
    await settle();
    await a.engine.stop();
    expect(a.timers.waiting()).toEqual([]);
    expect(a.engine.status().state).toBe('stopped');
    expect(server.subscriberCount).toBe(0);
  });

  it('counts every change too large for the server in one sentence', async () => {
    const server = new MemoryServer();
    server.limits = { ...server.limits, maxChangeBytes: 400 };
    const a = device('device-a', server);
    const chat = a.replica.store.chats.create({ title: 'small' });
    for (const role of ['user', 'assistant'] as const) {
      a.replica.store.messages.append({ chatId: chat.id, role, content: 'x'.repeat(1000) });
    }
    a.engine.start();
    await settle();
    expect(a.engine.status().error?.message).toMatch(
      /^2 changes are larger than the sync server takes \(400 bytes\), so they stay/,
    );
  });

  it('sends more local changes than one window holds, window by window', async () => {
    const server = new MemoryServer();
    const a = device('device-a', server);
    const { store } = a.replica;
    store.db.transaction(() => {
      for (let i = 0; i < 2100; i += 1) store.chats.create({ title: `chat ${i}` });
    })();
    a.engine.start();
    await settle();
    await vi.waitFor(() => expect(a.engine.status()).toMatchObject({ state: 'synced', toSend: 0 }));
    expect(server.stored).toHaveLength(2100);
  });

  it('sends nothing for a device setting alone, and stops telling a listener that left', async () => {
    const server = new MemoryServer();
    const a = device('device-a', server);
    const heard: SyncStatus[] = [];
    const leave = a.engine.onStatus((status) => heard.push(status));
    a.replica.store.settings.set('gpuLayers', 20);
    a.engine.start();
    await settle();
    expect(a.engine.status()).toMatchObject({ state: 'synced', toSend: 0 });
    expect(server.requests.filter((r) => r.kind === 'push')).toEqual([]);
    const before = heard.length;
    expect(before).toBeGreaterThan(0);
    leave();
    a.engine.syncNow();
    await settle();
    expect(heard).toHaveLength(before);
  });

  it('skips what a device that syncs more sent, and releases it from the quarantine', async () => {
    const server = new MemoryServer();
    // A newer device syncing its GPU setting, which stays on each device in this version.
    const gpuLayers = {
      id: 'newer-1',
      entity: 'setting',
      entityId: 'gpuLayers',
      op: 'put',
      hlc: '2026-01-01T00:00:00.000Z-0000-device-n',
      deviceId: 'device-n',
      fields: { value: 40 },
    } as const;
    await server.transportFor('device-n').push([sealOutgoing(gpuLayers, { dataKey })]);
    const b = device('device-b', server);
    // The same change, set aside by an older version of this app that could not read it, for
    // this account (another account's quarantine is emptied when the engine binds to this one).
    b.replica.store.sync.bindAccount('memory|user-1');
    b.replica.store.sync.applyRemote({
      changes: [],
      quarantine: [
        {
          changeId: 'newer-0',
          seq: 99,
          deviceId: 'device-n',
          reason: 'unsupported-version',
          detail: 'older app',
          ciphertext: sealOutgoing({ ...gpuLayers, id: 'newer-0' }, { dataKey }).ciphertext,
          quarantinedAt: 0,
        },
      ],
    });
    b.engine.start();
    await settle();
    expect(b.engine.quarantined()).toEqual([]);
    expect(b.replica.store.sync.cursors().pullCursor).toBe(1);
    expect(b.replica.store.settings.get('gpuLayers')).toBeNull();
    expect(b.engine.status()).toMatchObject({ state: 'synced', quarantined: 0 });
  });
});
