/*
 * Sync server benchmark: loopback only, bounded in count and time. Runs the server in a child
 * process over real Postgres + Redis when BENCH_DATABASE_URL/TEST_DATABASE_URL and
 * BENCH_REDIS_URL/TEST_REDIS_URL answer (in a throwaway schema), else over PGlite, and records
 * which. Writes bench/results/sync-server.json at the repository root and prints a table.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDataKey, sealChange } from '@codeface/sync/crypto';
import { SYNC_PROTOCOL_VERSION, type Session } from '@codeface/sync/protocol';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { Redis } from 'ioredis';
import pg from 'pg';
import WebSocket from 'ws';
import { median, percentile } from '../../../tools/bench/stats';
import type { AppRouter } from '../src/trpc/app-router';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const resultsFile = join(repoRoot, 'bench', 'results', 'sync-server.json');

// 500 devices as 125 people with four devices each (laptop, desktop, phone, tablet): every
// push is announced to the account's four subscriptions.
const ACCOUNTS = 125;
const DEVICES_PER_ACCOUNT = 4;
const PUSH_LATENCY_COUNT = 2000;
const PULL_LATENCY_COUNT = 1000;
const SERIAL_PUSH_COUNT = 300;
const THROUGHPUT_BATCH = 250;
const THROUGHPUT_RUNS = 3;
const PHASE_MAX_MS = 8000;

type Device = { session: Session; account: number };

async function reachable(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

async function chooseBackend() {
  const databaseUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  const redisUrl = process.env.BENCH_REDIS_URL || process.env.TEST_REDIS_URL;
  const pgOk =
    !!databaseUrl &&
    (await reachable(async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.end();
    }));
  const redisOk =
    !!redisUrl &&
    (await reachable(async () => {
      const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
      redis.on('error', () => undefined);
      await redis.connect();
      await redis.ping();
      redis.disconnect();
    }));
  if (pgOk && redisOk && databaseUrl && redisUrl) {
    const schema = `bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    return {
      name: 'postgres+redis',
      options: { databaseUrl, schema, redisUrl },
      cleanup: async () => {
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      },
    };
  }
  return { name: 'pglite+in-process', options: {}, cleanup: async () => undefined };
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs `task` with `concurrency` workers until `count` tasks ran or `maxMs` passed. */
async function runLoop(options: {
  count: number;
  concurrency: number;
  maxMs: number;
  task: (i: number) => Promise<void>;
}): Promise<{ done: number; elapsedMs: number }> {
  const started = performance.now();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < options.count && performance.now() - started < options.maxMs) {
      const i = next++;
      await options.task(i);
      done++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { done, elapsedMs: performance.now() - started };
}

async function postJson(url: string, body: unknown, token?: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { result?: { data: unknown } };
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(json)}`);
  return json.result?.data;
}

async function main() {
  const loadStart = loadavg()[0] ?? 0;
  const backend = await chooseBackend();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'bench-server-child.ts'), JSON.stringify(backend.options)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const { url, helloUrl } = await new Promise<{ url: string; helloUrl: string }>(
    (resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line) as { url: string; helloUrl: string });
      });
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    },
  );
  const trpc = `${url}/trpc`;
  const subscriptions: Array<() => void> = [];
  try {
    // Devices: accounts with several signed-in devices each.
    const devices: Device[] = [];
    const keys: Uint8Array[] = [];
    await runLoop({
      count: ACCOUNTS,
      concurrency: 8,
      maxMs: 120_000,
      task: async (account) => {
        const email = `bench-${randomUUID()}@example.test`;
        const password = 'bench-password-123';
        keys[account] = generateDataKey();
        devices.push({
          account,
          session: (await postJson(`${trpc}/account.signUp`, {
            email,
            password,
            deviceName: 'device-0',
            wrappedDataKey: 'opaque-wrapped-key',
          })) as Session,
        });
        for (let d = 1; d < DEVICES_PER_ACCOUNT; d++) {
          devices.push({
            account,
            session: (await postJson(`${trpc}/account.signIn`, {
              email,
              password,
              deviceName: `device-${d}`,
            })) as Session,
          });
        }
      },
    });

    // One WebSocket subscription per device; wait for each one's first pull-now.
    let notifications = 0;
    await Promise.all(
      devices.map(
        (device) =>
          new Promise<void>((resolve, reject) => {
            const wsClient = createWSClient({
              url: trpc.replace('http', 'ws'),
              connectionParams: () => ({
                token: device.session.accessToken,
                protocol: String(SYNC_PROTOCOL_VERSION),
              }),
              WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
            });
            const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
            let first = true;
            const sub = client.sync.subscribe.subscribe(undefined, {
              onData: () => {
                if (first) {
                  first = false;
                  resolve();
                } else notifications++;
              },
              onError: reject,
            });
            subscriptions.push(() => {
              sub.unsubscribe();
              void wsClient.close();
            });
          }),
      ),
    );

    // Sealed changes are made before any clock starts: the figures are the server's.
    const sealed = (account: number) => {
      const id = randomUUID();
      const key = keys[account] ?? generateDataKey();
      const plaintext = randomBytes(200);
      return {
        id,
        deviceId: 'bench-device',
        ciphertext: sealChange({ dataKey: key, changeId: id, plaintext }),
      };
    };
    const pick = (i: number) => devices[(i * 7919) % devices.length] as Device;

    // Baseline: a bare Fastify route, same client, same machine, same run.
    const hello = await runLoop({
      count: 1_000_000,
      concurrency: 32,
      maxMs: 3000,
      task: async () => {
        await (await fetch(helloUrl)).json();
      },
    });
    const helloRps = (hello.done / hello.elapsedMs) * 1000;

    // Push latency: single-change pushes from many devices, 8 in flight.
    const pushInputs = Array.from({ length: PUSH_LATENCY_COUNT }, (_, i) => {
      const device = pick(i);
      return { token: device.session.accessToken, changes: [sealed(device.account)] };
    });
    const pushTimes: number[] = [];
    await runLoop({
      count: PUSH_LATENCY_COUNT,
      concurrency: 8,
      maxMs: PHASE_MAX_MS * 2,
      task: async (i) => {
        const input = pushInputs[i];
        if (!input) return;
        const t0 = performance.now();
        await postJson(`${trpc}/sync.push`, { changes: input.changes }, input.token);
        pushTimes.push(performance.now() - t0);
      },
    });

    // The same pushes one at a time: latency without queueing behind the other seven.
    const serialTimes: number[] = [];
    await runLoop({
      count: SERIAL_PUSH_COUNT,
      concurrency: 1,
      maxMs: PHASE_MAX_MS,
      task: async (i) => {
        const device = pick(i + 5000);
        const changes = [sealed(device.account)];
        const t0 = performance.now();
        await postJson(`${trpc}/sync.push`, { changes }, device.session.accessToken);
        serialTimes.push(performance.now() - t0);
      },
    });

    // Throughput: batches of THROUGHPUT_BATCH changes, several runs, the median reported.
    const runs: number[] = [];
    for (let run = 0; run < THROUGHPUT_RUNS; run++) {
      const batches = Array.from({ length: 80 }, (_, i) => {
        const device = pick(i + run * 1000);
        return {
          token: device.session.accessToken,
          changes: Array.from({ length: THROUGHPUT_BATCH }, () => sealed(device.account)),
        };
      });
      let changes = 0;
      const loop = await runLoop({
        count: batches.length,
        concurrency: 8,
        maxMs: PHASE_MAX_MS,
        task: async (i) => {
          const batch = batches[i];
          if (!batch) return;
          await postJson(`${trpc}/sync.push`, { changes: batch.changes }, batch.token);
          changes += batch.changes.length;
        },
      });
      runs.push((changes / loop.elapsedMs) * 1000);
    }

    // Pull latency: pages of 100 from random cursors.
    const pullTimes: number[] = [];
    await runLoop({
      count: PULL_LATENCY_COUNT,
      concurrency: 8,
      maxMs: PHASE_MAX_MS,
      task: async (i) => {
        const device = pick(i);
        const input = encodeURIComponent(JSON.stringify({ cursor: (i * 37) % 200, limit: 100 }));
        const t0 = performance.now();
        const response = await fetch(`${trpc}/sync.pull?input=${input}`, {
          headers: { authorization: `Bearer ${device.session.accessToken}` },
        });
        await response.json();
        if (!response.ok) throw new Error(`pull ${response.status}`);
        pullTimes.push(performance.now() - t0);
      },
    });

    await new Promise((resolve) => setTimeout(resolve, 500));
    pushTimes.sort((a, b) => a - b);
    serialTimes.sort((a, b) => a - b);
    pullTimes.sort((a, b) => a - b);
    const results = {
      devices: devices.length,
      push_p50_ms: round(percentile(pushTimes, 50)),
      push_p99_ms: round(percentile(pushTimes, 99)),
      pull_p99_ms: round(percentile(pullTimes, 99)),
      changes_per_s: Math.round(median(runs)),
      hello_rps: Math.round(helloRps),
      backend: backend.name,
      pull_p50_ms: round(percentile(pullTimes, 50)),
      push_concurrency: 8,
      push_serial_p50_ms: round(percentile(serialTimes, 50)),
      push_serial_p99_ms: round(percentile(serialTimes, 99)),
      push_samples: pushTimes.length,
      pull_samples: pullTimes.length,
      changes_per_s_runs: runs.map((r) => Math.round(r)),
      throughput_batch_changes: THROUGHPUT_BATCH,
      accounts: ACCOUNTS,
      devices_per_account: DEVICES_PER_ACCOUNT,
      websocket_notifications_received: notifications,
      targets: { devices: '>= 500', push_p99_ms: '< 50', changes_per_s: '>= 5000' },
      // This machine is shared: the load average says how much else was running.
      machine: {
        cpus: cpus().length,
        node: process.version,
        load_average_1m_start: round(loadStart, 2),
        load_average_1m_end: round(loadavg()[0] ?? 0, 2),
      },
      measured_at: new Date().toISOString(),
    };
    mkdirSync(dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);

    const rows: Array<[string, string | number, string]> = [
      ['backend', results.backend, ''],
      ['devices (each with a WebSocket subscription)', results.devices, '>= 500'],
      ['push p50 (ms, 1 change, 8 in flight)', results.push_p50_ms, ''],
      ['push p99 (ms, 1 change, 8 in flight)', results.push_p99_ms, '< 50'],
      [
        'push p50 / p99 one at a time (ms)',
        `${results.push_serial_p50_ms} / ${results.push_serial_p99_ms}`,
        '',
      ],
      ['pull p50 (ms, 100 changes)', results.pull_p50_ms, ''],
      ['pull p99 (ms, 100 changes)', results.pull_p99_ms, ''],
      [
        `changes/s (median of ${THROUGHPUT_RUNS}, batches of ${THROUGHPUT_BATCH})`,
        results.changes_per_s,
        '>= 5000',
      ],
      ['hello rps (bare Fastify baseline)', results.hello_rps, ''],
      ['pull-now notifications received', results.websocket_notifications_received, ''],
      [
        'load average (1 min) at start / end',
        `${results.machine.load_average_1m_start} / ${results.machine.load_average_1m_end}`,
        '',
      ],
    ];
    console.log('\nsync-server benchmark');
    for (const [name, value, target] of rows) {
      console.log(`  ${name.padEnd(52)} ${String(value).padStart(18)}  ${target}`);
    }
    console.log(`\nwrote ${resultsFile}`);
  } finally {
    for (const close of subscriptions) close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await backend.cleanup();
  }
}

await main();
