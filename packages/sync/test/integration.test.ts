import type { MergeReport } from '@codeface/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncEngine } from '../src/engine';
import { type Replica, openReplica, removeReplicaFolders } from './support/replicas';
import {
  type ServerProcess,
  createAccount,
  startServerProcess,
  transportTo,
} from './support/server-process';

/**
 * Two devices, each with its own SQLite file and engine, and a real sync server process
 * (PGlite, or Postgres and Redis when the TEST_* URLs are set), over HTTP and WebSocket.
 */
describe('sync through a real server', () => {
  let server: ServerProcess;
  const replicas: Replica[] = [];
  const engines: SyncEngine[] = [];

  beforeAll(async () => {
    // PGlite's first start compiles its WebAssembly: seconds alone, a minute on a loaded machine.
    server = await startServerProcess();
  }, 300_000);

  afterAll(async () => {
    for (const engine of engines) await engine.stop();
    for (const replica of replicas) replica.close();
    removeReplicaFolders();
    await server?.stop();
  }, 60_000);

  function deviceWith(name: string, signedIn: Awaited<ReturnType<typeof createAccount>>['first']) {
    const replica = openReplica(name, Date.now());
    replicas.push(replica);
    const engine = new SyncEngine({
      store: replica.store,
      transport: transportTo(server.url, signedIn),
      dataKey: signedIn.dataKey,
      account: `${server.url}|${signedIn.userId}`,
    });
    engines.push(engine);
    return { replica, engine };
  }

  function next<T>(
    subscribe: (listener: (value: T) => void) => () => void,
    match: (value: T) => boolean,
  ) {
    return new Promise<T>((resolve) => {
      const stop = subscribe((value) => {
        if (!match(value)) return;
        stop();
        resolve(value);
      });
    });
  }

  it('shows a chat created on A on B through the subscription', async () => {
    const account = await createAccount(server.url);
    const a = deviceWith('device-a', account.first);
    const b = deviceWith('device-b', await account.signIn('device B'));
    a.engine.start();
    b.engine.start();
    // B is listening once its first sync is done.
    await next(b.engine.onStatus.bind(b.engine), (status) => status.state === 'synced');

    const chat = a.replica.store.chats.create({ title: 'Typed on A' });
    const arrived = next<MergeReport>(b.engine.onRemoteChanges.bind(b.engine), (report) =>
      report.chatIds.has(chat.id),
    );
    a.replica.store.messages.append({ chatId: chat.id, role: 'user', content: 'Where is B?' });
    await arrived;
    // The message may come with the chat or in the next page.
    if (b.replica.store.messages.activeBranch(chat.id).length === 0) {
      await next<MergeReport>(b.engine.onRemoteChanges.bind(b.engine), () => true);
    }

    expect(b.replica.store.chats.get(chat.id)?.title).toBe('Typed on A');
    expect(b.replica.store.messages.activeBranch(chat.id).map((m) => m.content)).toEqual([
      'Where is B?',
    ]);
    expect(b.engine.status()).toMatchObject({ error: null, quarantined: 0 });

    // And back: B renames it, A sees the new title.
    const renamed = next<MergeReport>(a.engine.onRemoteChanges.bind(a.engine), () => true);
    b.replica.store.chats.rename(chat.id, 'Renamed on B');
    await renamed;
    expect(a.replica.store.chats.get(chat.id)?.title).toBe('Renamed on B');
  }, 300_000);
});
