import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { npmBin, repoRoot, run, which } from './support/tools';

const dockerDir = join(repoRoot, 'infra', 'docker');
const dockerfile = readFileSync(join(dockerDir, 'Dockerfile'), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'codeface-infra-docker-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The exec-form array of the last instruction of this kind (a shell form would not parse). */
function execForm(instruction: 'ENTRYPOINT' | 'CMD'): string[] {
  const line = dockerfile.split('\n').findLast((l) => l.startsWith(`${instruction} `));
  if (!line) throw new Error(`the Dockerfile has no ${instruction}`);
  return JSON.parse(line.slice(instruction.length + 1)) as string[];
}

/** The runtime stage's ENV, as the image's process sees it. */
function runtimeEnv(): Record<string, string> {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const block = /\nENV ((?:.*\\\n)*.*)/.exec(runtime)?.[1] ?? '';
  return Object.fromEntries(
    block
      .replace(/\\\n/g, ' ')
      .trim()
      .split(/\s+/)
      .map((pair) => pair.split('=') as [string, string]),
  );
}

const dockerfilelint = (target: string) =>
  run(npmBin('dockerfilelint'), ['--output', 'json', target]);

describe('infra/docker/Dockerfile', () => {
  it('passes dockerfilelint, which does refuse a careless Dockerfile', async () => {
    const result = await dockerfilelint(join(dockerDir, 'Dockerfile'));
    expect(result.stdout + result.stderr).toMatch(/"totalIssues":\s*0/);
    expect(result.code).toBe(0);
    const careless = join(scratch, 'Dockerfile');
    writeFileSync(careless, 'FROM node:latest\nRUN apt-get install curl\nADD . /app\n');
    expect((await dockerfilelint(careless)).code).not.toBe(0);
  });

  it('runs as a non-root user with a health check, data and tmp as volumes', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data", "\/tmp"\]$/m);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci --workspace apps\/sync-server --omit=dev/);
  });

  // Starting the server (tsx, PGlite's first open) takes ~10 s alone and 80 s at a load of 25.
  it('starts node itself under tini, so that SIGTERM reaches the server, which drains and exits 0', async () => {
    const entrypoint = execForm('ENTRYPOINT');
    const cmd = execForm('CMD');
    expect(entrypoint).toEqual(['/usr/bin/tini', '--']);
    // npm and npx do not pass signals on to the server (issue 13, item 5).
    expect(cmd[0]).toBe('node');
    // The image's command as written, under tini when this machine has it.
    const tini = which('tini');
    const argv = [...(tini ? [tini, '--'] : []), process.execPath, ...cmd.slice(1)];
    const child = spawn(argv[0] ?? '', argv.slice(1), {
      cwd: repoRoot,
      env: {
        ...runtimeEnv(),
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        CODEFACE_SYNC_DATA_DIR: join(scratch, 'data'),
        TMPDIR: scratch,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const messages: string[] = [];
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const listening = new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        const lines = (buffer + chunk).split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          const msg = String((JSON.parse(line) as { msg?: unknown }).msg);
          messages.push(msg);
          if (msg === 'codeface sync server listening') resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`the server exited early with ${code}`)));
    });
    try {
      await listening;
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(messages.some((m) => m.startsWith('shutting down'))).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 180_000);
});

describe('infra/docker/compose.yaml', () => {
  const composePath = join(dockerDir, 'compose.yaml');

  it('passes dclint, which does refuse a broken compose file', async () => {
    const result = await run(npmBin('dclint'), ['--max-warnings', '0', composePath]);
    expect((result.stdout + result.stderr).trim()).toBe('');
    expect(result.code).toBe(0);
    const broken = join(scratch, 'compose.yaml');
    writeFileSync(broken, 'services:\n  web:\n    image: nginx\n    ports: [80]\n    bogus: 1\n');
    expect((await run(npmBin('dclint'), [broken])).code).not.toBe(0);
  });

  it('starts the server on Postgres and Redis once both are healthy, read-only, from this Dockerfile', () => {
    const compose = parse(readFileSync(composePath, 'utf8')) as {
      services: Record<string, Record<string, unknown>>;
    };
    const sync = compose.services.sync;
    expect(sync).toMatchObject({
      build: { context: '../..', dockerfile: 'infra/docker/Dockerfile' },
      depends_on: {
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      },
      read_only: true,
      environment: {
        DATABASE_URL: expect.stringMatching(/^postgres:\/\/.*@postgres:5432\//) as unknown,
        REDIS_URL: 'redis://redis:6379',
      },
    });
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'redis', 'sync']);
  });
});
