import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncServer } from '../src/server';
import { createSyncServer } from '../src/server';
import { openTestBackend, TEST_DATABASE_URL, type TestBackend } from './support/backend';
import { httpClient, sealedChange, signUp, startServer } from './support/harness';

type Outcome = { ids: string[]; acknowledged: boolean };

/** Every acknowledged change is in the log, and the log's numbers are 1..n without a gap. */
async function expectNoAcknowledgedLoss(options: {
  outcomes: Outcome[];
  pull: () => Promise<{ changes: Array<{ id: string; seq: number }> }>;
}) {
  const stored = (await options.pull()).changes;
  const storedIds = new Set(stored.map((c) => c.id));
  for (const outcome of options.outcomes.filter((o) => o.acknowledged)) {
    for (const id of outcome.ids)
      expect(storedIds.has(id), `acknowledged ${id} was lost`).toBe(true);
  }
  expect(stored.map((c) => c.seq)).toEqual(stored.map((_, i) => i + 1));
}

describe.skipIf(!TEST_DATABASE_URL)('Postgres connection dropped during a push', () => {
  let backend: TestBackend;
  let server: SyncServer;
  let admin: pg.Client;
  const applicationName = `codeface-sync-drop-${process.pid}`;

  beforeAll(async () => {
    backend = await openTestBackend();
    server = await startServer(backend);
    // Re-open the server's storage under a name we can find in pg_stat_activity.
    await server.close();
    server = await createSyncServer({
      config: { ...server.config, port: 0 },
      db: await backend.openDatabase({ applicationName }),
      bus: backend.openBus(),
      rateLimitNamespace: backend.namespace,
    });
    await server.listen();
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`SET search_path TO "${backend.schema}"`);
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await server?.close();
    await backend?.close();
  });

  it('a push whose connection dies while it waits inside its transaction is an error, then succeeds on retry', async () => {
    const { session, dataKey, client } = await signUp(server);
    const changes = [
      sealedChange({ dataKey, plaintext: 'a' }),
      sealedChange({ dataKey, plaintext: 'b' }),
    ];
    // Hold the user's counter row, so the push stops inside its transaction.
    await admin.query('BEGIN');
    await admin.query('SELECT 1 FROM sync_state WHERE user_id = $1 FOR UPDATE', [session.userId]);
    const push = client.sync.push.mutate({ changes }).then(
      () => 'acknowledged' as const,
      () => 'error' as const,
    );
    await expect
      .poll(
        async () =>
          (
            await admin.query(
              "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
              [applicationName],
            )
          ).rowCount,
        { timeout: 10_000 },
      )
      .toBe(1);
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
      [applicationName],
    );
    await admin.query('ROLLBACK');
    expect(await push).toBe('error');

    const retried = await client.sync.push.mutate({ changes });
    expect(retried).toMatchObject({ inserted: 2, highWaterMark: 2 });
    await expectNoAcknowledgedLoss({
      outcomes: [{ ids: changes.map((c) => c.id), acknowledged: true }],
      pull: () => client.sync.pull.query({ cursor: 0 }),
    });
  }, 30_000);

  it('never acknowledges a change it lost while its connections are killed at random', async () => {
    const { dataKey, client } = await signUp(server);
    let killing = true;
    const killer = (async () => {
      while (killing) {
        await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        );
        await new Promise((resolve) => setTimeout(resolve, 3 + Math.random() * 10));
      }
    })();
    const outcomes: Outcome[] = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const changes = Array.from({ length: 3 }, (_, j) =>
          sealedChange({ dataKey, plaintext: `${i}.${j}` }),
        );
        const acknowledged = await client.sync.push.mutate({ changes }).then(
          () => true,
          () => false,
        );
        return { ids: changes.map((c) => c.id), acknowledged };
      }),
    );
    killing = false;
    await killer;
    await expectNoAcknowledgedLoss({ outcomes, pull: () => client.sync.pull.query({ cursor: 0 }) });
  }, 60_000);
});

describe('PGlite server killed during pushes', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'codeface-sync-pglite-'));
  });

  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts the server over the data folder in a child process; resolves with its URL. */
  async function startChild(): Promise<{ url: string; process: ChildProcess }> {
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./support/pglite-server-child.ts', import.meta.url)),
        dataDir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    child = proc;
    proc.stdout.setEncoding('utf8');
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      proc.stdout.on('data', (chunk: string) => {
        out += chunk;
        const match = /listening (\S+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      proc.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    return { url, process: proc };
  }

  it('every push acknowledged before the kill is there after a restart', async () => {
    const first = await startChild();
    const { dataKey, session, client } = await signUp(first);
    let killed = false;
    const acked: Outcome[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const changes = [sealedChange({ dataKey, plaintext: `${i}` })];
        const acknowledged = await client.sync.push.mutate({ changes }).then(
          () => true,
          () => false,
        );
        const outcome = { ids: changes.map((c) => c.id), acknowledged };
        if (acknowledged) acked.push(outcome);
        // Crash as soon as a few pushes are through, while the rest are in flight.
        if (acked.length === 5 && !killed) {
          killed = true;
          first.process.kill('SIGKILL');
        }
        return outcome;
      }),
    );
    if (first.process.exitCode === null && first.process.signalCode === null) {
      await new Promise((resolve) => first.process.once('exit', resolve));
    }

    const second = await startChild();
    try {
      await expectNoAcknowledgedLoss({
        outcomes,
        pull: () => httpClient(second, session.accessToken).sync.pull.query({ cursor: 0 }),
      });
      // The kill really landed mid-stream: some pushes were acknowledged and some were not.
      expect(outcomes.filter((o) => o.acknowledged).length).toBeGreaterThanOrEqual(5);
      expect(outcomes.some((o) => !o.acknowledged)).toBe(true);
    } finally {
      second.process.kill('SIGKILL');
    }
    // Two cold starts of a server process: about 45 s each on a loaded 2-core machine.
  }, 180_000);
});
