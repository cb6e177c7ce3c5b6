/**
 * Sync benchmark against a real codeface-sync process on loopback (PGlite; Postgres and Redis
 * with the TEST_* URLs): a message saved on A until B's store has it, a new device receiving an
 * account of 100,000 messages, sealing speed, push batch latency, and as the baseline in the same
 * run, pulling the same pages without opening or merging them. Prints a table and writes
 * bench/results/sync.json at the repository root. `npm run bench -- sync`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MergeReport } from '@codeface/db';
import { SyncEngine } from '../src/engine';
import type { SyncTransport } from '../src/engine/ports';
import { sealOutgoing } from '../src/engine/payload';
import { type Replica, openReplica, removeReplicaFolders } from '../test/support/replicas';
import { createAccount, startServerProcess, transportTo } from '../test/support/server-process';
import { percentile } from '../../../tools/bench/stats';

const here = path.dirname(fileURLToPath(import.meta.url));
const resultsFile = path.resolve(here, '../../../bench/results/sync.json');

const LATENCY_SAMPLES = 50;
/** Sends spaced so that the engine's pacing (a burst, then one sync a second) never waits. */
const LATENCY_SPACING_MS = 1000;
const ACCOUNT_MESSAGES = 100_000;
const MESSAGES_PER_CHAT = 1000;
const MESSAGE = 'Walk the list once, keeping the previous node, and point each node back. '.repeat(
  3,
);

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function until<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  match: (value: T) => boolean,
): Promise<T> {
  return new Promise((resolve) => {
    const stop = subscribe((value) => {
      if (!match(value)) return;
      stop();
      resolve(value);
    });
  });
}

function encryptMbPerSecond(): number {
  const dataKey = new Uint8Array(32).fill(7);
  const change = {
    id: 'bench-change',
    entity: 'message' as const,
    entityId: 'bench-message',
    op: 'put' as const,
    hlc: '2026-01-01T00:00:00.000Z-0000-bench',
    deviceId: 'bench',
    fields: { content: 'x'.repeat(16 * 1024) },
  };
  const rounds = 2000;
  const started = performance.now();
  for (let i = 0; i < rounds; i += 1) sealOutgoing(change, { dataKey });
  const seconds = (performance.now() - started) / 1000;
  return (rounds * JSON.stringify(change).length) / 1e6 / seconds;
}

async function main() {
  const server = await startServerProcess({
    env: { SYNC_MAX_USER_BYTES: String(1024 ** 3) },
  });
  const replicas: Replica[] = [];
  const engines: SyncEngine[] = [];
  const device = (name: string, signedIn: Awaited<ReturnType<typeof createAccount>>['first']) => {
    // Checkpointed by a worker, as the app's store is: the figures are the app's.
    const replica = openReplica(name, Date.now(), 'worker');
    replicas.push(replica);
    const transport = transportTo(server.url, signedIn);
    const engine = new SyncEngine({
      store: replica.store,
      transport,
      dataKey: signedIn.dataKey,
      account: `${server.url}|${signedIn.userId}`,
    });
    engines.push(engine);
    return { replica, engine, transport };
  };

  try {
    const encrypt = encryptMbPerSecond();

    // A to B, steady state: both live, one message at a time.
    const live = await createAccount(server.url);
    const a = device('bench-a', live.first);
    const b = device('bench-b', await live.signIn('bench B'));
    a.engine.start();
    b.engine.start();
    await until(b.engine.onStatus.bind(b.engine), (s) => s.state === 'synced');
    const chat = a.replica.store.chats.create({ title: 'latency' });
    await until<MergeReport>(b.engine.onRemoteChanges.bind(b.engine), (r) =>
      r.chatIds.has(chat.id),
    );
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES + 5; i += 1) {
      await sleep(LATENCY_SPACING_MS);
      const arrived = until<MergeReport>(b.engine.onRemoteChanges.bind(b.engine), (r) =>
        r.chatIds.has(chat.id),
      );
      const started = performance.now();
      a.replica.store.messages.append({ chatId: chat.id, role: 'user', content: `${i}` });
      await arrived;
      // The first few warm the connections and the statements.
      if (i >= 5) latencies.push(performance.now() - started);
    }

    // A large account: written on C, pushed, then received by a new device D.
    const big = await createAccount(server.url);
    const c = device('bench-c', big.first);
    const pushTimes: number[] = [];
    const push = c.transport.push;
    c.transport.push = async (changes) => {
      const started = performance.now();
      const result = await push(changes);
      pushTimes.push(performance.now() - started);
      return result;
    };
    const store = c.replica.store;
    store.db.transaction(() => {
      let chatId = '';
      let parentId: string | null = null;
      for (let i = 0; i < ACCOUNT_MESSAGES; i += 1) {
        if (i % MESSAGES_PER_CHAT === 0) {
          chatId = store.chats.create({ title: `chat ${i}` }).id;
          parentId = null;
        }
        // The parent given, as the app does when it answers: no walk of the branch per message.
        parentId = store.messages.append({
          chatId,
          parentId,
          role: i % 2 === 0 ? 'user' : 'assistant',
          content: MESSAGE,
        }).id;
      }
    })();
    const uploadStarted = performance.now();
    c.engine.start();
    await until(c.engine.onStatus.bind(c.engine), (s) => s.state === 'synced' && s.toSend === 0);
    const uploadSeconds = (performance.now() - uploadStarted) / 1000;

    const d = device('bench-d', await big.signIn('bench D'));
    const syncStarted = performance.now();
    d.engine.start();
    await until(d.engine.onStatus.bind(d.engine), (s) => s.state === 'synced');
    const initialSeconds = (performance.now() - syncStarted) / 1000;
    const received = d.replica.store.db.prepare('SELECT count(*) AS n FROM messages').get() as {
      n: number;
    };
    if (received.n !== ACCOUNT_MESSAGES) {
      throw new Error(`D has ${received.n} messages of ${ACCOUNT_MESSAGES}.`);
    }

    // The baseline: the same pages, fetched and validated, not opened or merged.
    const raw = await rawPull(d.transport);

    const result = {
      a_to_b_p50_ms: round(percentile(latencies, 50)),
      a_to_b_p99_ms: round(percentile(latencies, 99)),
      initial_sync_100k_s: round(initialSeconds),
      initial_sync_msgs_per_s: Math.round(ACCOUNT_MESSAGES / initialSeconds),
      encrypt_mb_per_s: round(encrypt),
      push_batch_p99_ms: round(percentile(pushTimes, 99)),
      raw_pull_msgs_per_s: Math.round(raw.changes / raw.seconds),
      upload_100k_s: round(uploadSeconds),
      push_batches: pushTimes.length,
      latency_samples: latencies.length,
      server: server.kind,
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`,
      // Latencies are wall-clock: on an oversubscribed machine they include waiting for a core.
      load_average_1m: round(os.loadavg()[0] ?? 0, 2),
      node: process.version,
      measured_at: new Date().toISOString(),
    };
    console.table([
      { figure: 'A → B p50 (ms)', value: result.a_to_b_p50_ms, target: '< 30' },
      { figure: 'A → B p99 (ms)', value: result.a_to_b_p99_ms, target: '< 100' },
      { figure: 'initial sync, 100k messages (s)', value: result.initial_sync_100k_s, target: '' },
      {
        figure: 'initial sync (messages/s)',
        value: result.initial_sync_msgs_per_s,
        target: '≥ 10,000',
      },
      { figure: 'raw pull, baseline (changes/s)', value: result.raw_pull_msgs_per_s, target: '' },
      { figure: 'encrypt (MB/s)', value: result.encrypt_mb_per_s, target: '' },
      { figure: 'push batch p99 (ms)', value: result.push_batch_p99_ms, target: '' },
    ]);
    fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
    fs.writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), resultsFile)}`);
  } finally {
    for (const engine of engines) await engine.stop();
    for (const replica of replicas) replica.close();
    removeReplicaFolders();
    await server.stop();
  }
}

async function rawPull(transport: SyncTransport): Promise<{ changes: number; seconds: number }> {
  const limits = await transport.limits();
  let cursor = 0;
  let changes = 0;
  const started = performance.now();
  for (;;) {
    const page = await transport.pull({ cursor, limit: limits.maxPullChanges });
    changes += page.changes.length;
    cursor = page.nextCursor;
    if (!page.hasMore) break;
  }
  return { changes, seconds: (performance.now() - started) / 1000 };
}

await main();
