/*
 * Soak: two sync server instances on real Postgres and Redis behind a small round-robin TCP
 * proxy, simulated devices pushing, pulling and subscribing for `--minutes`, one instance killed
 * (SIGKILL) and restarted a third of the way in, Redis restarted at two thirds. Loopback only,
 * bounded in time and devices. Then checks that every acknowledged change is stored exactly once
 * with the sequence number it was acknowledged with, and that every device's subscription was
 * told about its account's last change. Writes bench/results/soak.json at the repository root.
 *   npm run soak -w apps/sync-server -- --minutes 2 [--devices 200]
 * Needs BENCH_DATABASE_URL or TEST_DATABASE_URL (a throwaway schema is made and dropped) and
 * `redis-server` on the PATH (its own instance on a free port, so that restarting it disturbs
 * nothing else).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { percentile } from '../../../tools/bench/stats';
import { generateDataKey, sealChange } from '@codeface/sync/crypto';
import {
  SYNC_PROTOCOL_VERSION,
  type PullOutput,
  type PushOutput,
  type Session,
} from '@codeface/sync/protocol';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import pg from 'pg';
import WebSocket from 'ws';
import { z } from 'zod';
import type { AppRouter } from '../src/trpc/app-router';

const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = join(here, '..', '..', '..', 'bench', 'results', 'soak.json');
const DEVICES_PER_ACCOUNT = 4;
/** Pause between a device's requests: 200 devices make ~400 requests per second at most. */
const THINK_MS = 500;
const RESTART_AFTER_MS = 5000;
const SETTLE_MS = 20_000;

const args = z
  .object({
    minutes: z.coerce.number().positive().max(60).default(2),
    devices: z.coerce.number().int().min(DEVICES_PER_ACCOUNT).max(2000).default(200),
  })
  .parse(
    parseArgs({ options: { minutes: { type: 'string' }, devices: { type: 'string' } } }).values,
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number) => Math.round(n * 100) / 100;

function loopbackOnly(url: string, what: string): string {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
    throw new Error(`The soak runs on loopback only: ${what} points at ${host}.`);
  }
  return url;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Redis of our own, restartable on the same port. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) return child;
    await sleep(100);
  }
  throw new Error('redis-server did not start: is it installed (apt-get install redis-server)?');
}

type Instance = { child: ChildProcess; port: number };

/** One server instance, in its own process (bench-server-child.ts), on real Postgres and Redis. */
async function startInstance(options: object): Promise<Instance> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'bench-server-child.ts'), JSON.stringify(options)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`a server instance exited with ${code}`)));
  });
  return { child, port: Number(new URL(url).port) };
}

/**
 * Round-robin over the instances, per TCP connection (HTTP keep-alive and WebSockets stay on
 * the instance they reached). An instance that refuses the connection is skipped.
 */
function startProxy(backends: () => number[]): Promise<{ server: Server; port: number }> {
  let next = 0;
  const server = createServer((client: Socket) => {
    const ports = backends();
    const attempt = (tries: number) => {
      const port = ports[next++ % ports.length] ?? 0;
      const upstream = connect(port, '127.0.0.1');
      upstream.once('connect', () => {
        client.pipe(upstream).pipe(client);
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
      });
      upstream.once('error', () => {
        if (upstream.readyState === 'opening' && tries > 1) attempt(tries - 1);
        else client.destroy();
      });
    };
    attempt(ports.length);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port }),
    ),
  );
}

type Device = {
  session: Session;
  account: number;
  cursor: number;
  marks: number;
  close?: () => void;
};

async function main() {
  const databaseUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!databaseUrl) {
    throw new Error(
      'The soak needs Postgres: set TEST_DATABASE_URL (or BENCH_DATABASE_URL), e.g. postgres://postgres@127.0.0.1:5432/test.',
    );
  }
  loopbackOnly(databaseUrl, 'the database URL');
  const loadStart = loadavg()[0] ?? 0;
  const schema = `soak_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const redisPort = await freePort();
  let redis = await startRedis(redisPort);
  const serverOptions = { databaseUrl, schema, redisUrl: `redis://127.0.0.1:${redisPort}` };
  const instances: Array<Instance | undefined> = [
    await startInstance(serverOptions),
    await startInstance(serverOptions),
  ];
  const proxy = await startProxy(() =>
    instances.flatMap((i) => (i && i.child.exitCode === null ? [i.port] : [])),
  );
  const trpc = `http://127.0.0.1:${proxy.port}/trpc`;

  const times: Record<'push' | 'pull', number[]> = { push: [], pull: [] };
  const errors = { http_5xx: 0, http_4xx: 0, network: 0 };
  let requests = 0;
  let reconnects = 0;
  const events: Array<{ at_s: number; what: string }> = [];
  const started = performance.now();
  const mark = (what: string) => {
    events.push({ at_s: round((performance.now() - started) / 1000), what });
    console.log(`soak: ${events.at(-1)?.at_s} s ${what}`);
  };

  /** One request; network failures and 5xx are counted and retried by the caller. */
  async function call<T>(
    kind: 'push' | 'pull' | 'setup',
    url: string,
    init: RequestInit,
  ): Promise<T | undefined> {
    const t0 = performance.now();
    requests++;
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch {
      errors.network++;
      return undefined;
    }
    const json = (await response.json().catch(() => ({}))) as { result?: { data: T } };
    if (response.status >= 500) errors.http_5xx++;
    else if (response.status >= 400) errors.http_4xx++;
    if (!response.ok) return undefined;
    if (kind !== 'setup') times[kind].push(performance.now() - t0);
    return json.result?.data;
  }
  const post = <T>(request: {
    kind: 'push' | 'setup';
    procedure: string;
    body: unknown;
    token?: string;
  }) =>
    call<T>(request.kind, `${trpc}/${request.procedure}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
      },
      body: JSON.stringify(request.body),
    });

  // Accounts of four devices each, every device with its WebSocket subscription.
  const accounts = Math.floor(args.devices / DEVICES_PER_ACCOUNT);
  const keys = Array.from({ length: accounts }, () => generateDataKey());
  const devices: Device[] = [];
  for (let account = 0; account < accounts; account++) {
    const email = `soak-${randomUUID()}@example.test`;
    const password = 'soak-password-123';
    for (let d = 0; d < DEVICES_PER_ACCOUNT; d++) {
      const session = await post<Session>({
        kind: 'setup',
        procedure: d === 0 ? 'account.signUp' : 'account.signIn',
        body: {
          email,
          password,
          deviceName: `device-${d}`,
          ...(d === 0 ? { wrappedDataKey: 'opaque-wrapped-key' } : {}),
        },
      });
      if (!session) throw new Error('sign-up failed before the soak started');
      devices.push({ session, account, cursor: 0, marks: 0 });
    }
  }
  for (const device of devices) {
    const wsClient = createWSClient({
      url: trpc.replace('http', 'ws'),
      connectionParams: () => ({
        token: device.session.accessToken,
        protocol: String(SYNC_PROTOCOL_VERSION),
      }),
      retryDelayMs: () => 500,
      onClose: () => {
        reconnects++;
      },
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
    const subscription = client.sync.subscribe.subscribe(undefined, {
      onData: (event) => {
        device.marks = Math.max(device.marks, event.highWaterMark);
      },
      onError: () => undefined,
    });
    device.close = () => {
      subscription.unsubscribe();
      void wsClient.close();
    };
  }
  reconnects = 0;
  mark(`${devices.length} devices in ${accounts} accounts signed in and subscribed`);

  const acked = new Map<string, { account: number; seq: number }>();
  const maxAcked = new Array<number>(accounts).fill(0);
  let running = true;

  async function pullAll(device: Device) {
    for (;;) {
      const input = encodeURIComponent(JSON.stringify({ cursor: device.cursor, limit: 200 }));
      const page = await call<PullOutput>('pull', `${trpc}/sync.pull?input=${input}`, {
        headers: { authorization: `Bearer ${device.session.accessToken}` },
      });
      if (!page) return;
      device.cursor = page.nextCursor;
      if (!page.hasMore) return;
    }
  }

  async function runDevice(device: Device, index: number) {
    await sleep((index * THINK_MS) / devices.length);
    for (let i = 0; running; i++) {
      const changes = Array.from({ length: 1 + (i % 5) }, () => {
        const id = randomUUID();
        const ciphertext = sealChange({
          dataKey: keys[device.account] ?? generateDataKey(),
          changeId: id,
          plaintext: randomBytes(200),
        });
        return { id, deviceId: `device-${index}`, ciphertext };
      });
      // A push that got no answer is sent again, the same ids: the server must not store twice.
      let result: PushOutput | undefined;
      for (let attempt = 0; !result && attempt < 20; attempt++) {
        if (attempt > 0) await sleep(250);
        result = await post<PushOutput>({
          kind: 'push',
          procedure: 'sync.push',
          body: { changes },
          token: device.session.accessToken,
        });
      }
      for (const { id, seq } of result?.accepted ?? []) {
        acked.set(id, { account: device.account, seq });
        maxAcked[device.account] = Math.max(maxAcked[device.account] ?? 0, seq);
      }
      if (i % 3 === 2) await pullAll(device);
      await sleep(THINK_MS);
    }
  }

  const totalMs = args.minutes * 60_000;
  const loadStarted = performance.now();
  // The faults are placed on the load's clock, whatever an instance takes to start again.
  const until = (fraction: number) =>
    sleep(Math.max(0, loadStarted + totalMs * fraction - performance.now()));
  const load = Promise.all(devices.map(runDevice));
  const faults = (async () => {
    await until(1 / 3);
    instances[0]?.child.kill('SIGKILL');
    instances[0] = undefined;
    mark('instance A killed (SIGKILL)');
    await sleep(RESTART_AFTER_MS);
    instances[0] = await startInstance(serverOptions);
    mark('instance A restarted');
    await until(2 / 3);
    redis.kill('SIGTERM');
    await new Promise((resolve) => redis.once('exit', resolve));
    mark('Redis stopped');
    await sleep(2000);
    redis = await startRedis(redisPort);
    mark('Redis restarted');
  })();
  await until(1);
  running = false;
  await Promise.all([load, faults]);
  const loadSeconds = round((performance.now() - loadStarted) / 1000);
  mark('load stopped');

  // Every device's subscription must hear of its account's last acknowledged change.
  const settleStart = performance.now();
  const unannounced = () => devices.filter((d) => d.marks < (maxAcked[d.account] ?? 0));
  while (unannounced().length > 0 && performance.now() - settleStart < SETTLE_MS) await sleep(200);
  const notAnnounced = unannounced().length;

  const { rows } = await admin.query<{ id: string; seq: string; copies: string }>(
    `SELECT id, min(seq) AS seq, count(*) AS copies FROM ${schema}.changes GROUP BY id`,
  );
  const stored = new Map(rows.map((r) => [r.id, { seq: Number(r.seq), copies: Number(r.copies) }]));
  let ackedLost = 0;
  let duplicates = 0;
  for (const [id, ack] of acked) {
    const row = stored.get(id);
    if (!row) ackedLost++;
    else if (row.copies > 1 || row.seq !== ack.seq) duplicates++;
  }
  const gaps = await admin.query<{ gaps: string }>(
    `SELECT count(*) AS gaps FROM (SELECT user_id, count(*) AS n, max(seq) AS top
       FROM ${schema}.changes GROUP BY user_id) t WHERE n <> top`,
  );

  const results = {
    minutes: args.minutes,
    load_seconds: loadSeconds,
    requests,
    errors_5xx: errors.http_5xx,
    push_p99_ms: round(percentile(times.push, 99)),
    acked_lost: ackedLost,
    duplicates,
    devices: devices.length,
    accounts,
    instances: 2,
    backend: 'postgres+redis',
    errors: errors,
    push_p50_ms: round(percentile(times.push, 50)),
    pull_p50_ms: round(percentile(times.pull, 50)),
    pull_p99_ms: round(percentile(times.pull, 99)),
    pushes: times.push.length,
    pulls: times.pull.length,
    changes_acked: acked.size,
    changes_stored: rows.length,
    accounts_with_sequence_gaps: Number(gaps.rows[0]?.gaps ?? 0),
    websocket_reconnects: reconnects,
    devices_not_told_of_last_change: notAnnounced,
    events,
    targets: { errors_5xx: 0, acked_lost: 0, duplicates: 0 },
    machine: {
      cpus: cpus().length,
      node: process.version,
      load_average_1m_start: round(loadStart),
      load_average_1m_end: round(loadavg()[0] ?? 0),
    },
    measured_at: new Date().toISOString(),
  };
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  console.log(`wrote ${resultsFile}`);

  for (const device of devices) device.close?.();
  proxy.server.close();
  for (const instance of instances) instance?.child.kill('SIGTERM');
  await Promise.all(
    instances.map((i) => i && new Promise((resolve) => i.child.once('exit', resolve))),
  );
  redis.kill('SIGTERM');
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}

await main();
