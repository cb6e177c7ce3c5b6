import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { httpClient, signUp } from './support/harness';

const bin = fileURLToPath(new URL('../bin/codeface-sync.js', import.meta.url));

describe('codeface-sync', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'codeface-sync-cli-'));

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with one command and no setup, serves, and drains on SIGTERM', async () => {
    // Nothing from the environment: no DATABASE_URL, no REDIS_URL, no TOKEN_SECRET.
    const child = spawn(process.execPath, [bin, '--data-dir', dataDir, '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: Array<Record<string, unknown>> = [];
    let buffer = '';
    const listening = new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        buffer += chunk;
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        for (const part of parts) {
          const line = JSON.parse(part) as Record<string, unknown>;
          lines.push(line);
          if (line.msg === 'codeface sync server listening') resolve(String(line.url));
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await listening;
      expect(lines.find((l) => l.msg === 'codeface sync server listening')).toMatchObject({
        database: 'pglite',
        bus: 'in-process',
      });
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const { session } = await signUp({ url });
      expect(await httpClient({ url }, session.accessToken).devices.list.query()).toHaveLength(1);
      expect(existsSync(join(dataDir, 'token-secret'))).toBe(true);
      expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
      // Every log line is JSON with a request id where there is a request.
      expect(lines.some((l) => typeof l.reqId === 'string')).toBe(true);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(lines.some((l) => String(l.msg).startsWith('shutting down'))).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});
