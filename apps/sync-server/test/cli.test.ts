import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { httpClient, signUp } from './support/harness';

const bin = fileURLToPath(new URL('../bin/codeface-sync.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
// Nothing from the environment: no DATABASE_URL, no REDIS_URL, no TOKEN_SECRET.
const bareEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

/**
 * A server started as an operator would, in a process group of its own (so that a failed test
 * can still kill all of it). `gone` resolves once every process that held its output has ended.
 */
function launch(command: string, args: string[]) {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: bareEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  let buffer = '';
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      // npm writes a few lines of its own; the server's are JSON.
      for (const part of parts.filter((p) => p.startsWith('{'))) {
        const line = JSON.parse(part) as Record<string, unknown>;
        lines.push(line);
        if (line.msg === 'codeface sync server listening') resolve(String(line.url));
      }
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${stderr}`)));
  });
  // A server refused at start never listens; the test awaits `exited` instead.
  listening.catch(() => undefined);
  const gone = new Promise<void>((resolve) => child.stdout.once('close', resolve));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    lines,
    stderr: () => stderr,
    listening,
    gone,
    exited,
    killAll: () => {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}

describe('codeface-sync', () => {
  const dataDirs: string[] = [];
  const newDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'codeface-sync-cli-'));
    dataDirs.push(dir);
    return dir;
  };

  afterAll(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('starts with one command and no setup, serves, refuses a second server on its data folder, and drains on SIGTERM', async () => {
    const dataDir = newDataDir();
    const server = launch(process.execPath, [bin, '--data-dir', dataDir, '--port', '0']);
    try {
      const url = await server.listening;
      expect(server.lines.find((l) => l.msg === 'codeface sync server listening')).toMatchObject({
        database: 'pglite',
        bus: 'in-process',
      });
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const { session } = await signUp({ url });
      expect(await httpClient({ url }, session.accessToken).devices.list.query()).toHaveLength(1);
      expect(existsSync(join(dataDir, 'token-secret'))).toBe(true);
      expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
      // Every log line is JSON with a request id where there is a request.
      expect(server.lines.some((l) => typeof l.reqId === 'string')).toBe(true);

      // A second server on the same PGlite folder would overwrite what the first acknowledged.
      const second = launch(process.execPath, [bin, '--data-dir', dataDir, '--port', '0']);
      try {
        expect(await second.exited).toBe(1);
        expect(second.stderr()).toContain(
          `The data folder ${dataDir}/pglite is in use by another sync server (pid ${server.child.pid}`,
        );
        expect(second.stderr()).not.toMatch(/\n\s+at /);
      } finally {
        second.killAll();
      }
      expect(await httpClient({ url }, session.accessToken).devices.list.query()).toHaveLength(1);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(server.lines.some((l) => String(l.msg).startsWith('shutting down'))).toBe(true);
      expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);
    } finally {
      server.killAll();
    }
  }, 120_000);

  it.each([
    ['npm run start -w apps/sync-server', ['run', 'start', '-w', 'apps/sync-server', '--']],
    ['npx codeface-sync', ['exec', '--', 'codeface-sync']],
  ])(
    'stops gracefully when %s gets SIGTERM',
    async (_name, npmArgs) => {
      const server = launch('npm', [...npmArgs, '--data-dir', newDataDir(), '--port', '0']);
      try {
        await server.listening;
        server.child.kill('SIGTERM');
        // Every process that held the output ended: npm, any shell, and the server itself.
        await server.gone;
        expect(server.lines.some((l) => String(l.msg).startsWith('shutting down'))).toBe(true);
      } finally {
        server.killAll();
      }
    },
    120_000,
  );
});
