import { readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { npmBin, repoRoot, run } from './support/tools';

const workflows = join(repoRoot, '.github', 'workflows');
const files = readdirSync(workflows).filter((f) => f.endsWith('.yml'));
const scratch = mkdtempSync(join(tmpdir(), 'codeface-infra-workflows-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const validate = (path: string) => run(npmBin('action-validator'), [path]);

type Workflow = {
  on: Record<string, unknown>;
  jobs: Record<
    string,
    {
      services?: Record<string, { image: string }>;
      env?: Record<string, string>;
      steps: { run?: string; uses?: string; with?: Record<string, unknown> }[];
    }
  >;
};
const load = (file: string) => parse(readFileSync(join(workflows, file), 'utf8')) as Workflow;

describe('.github/workflows', () => {
  it('are ci.yml and release.yml', () => {
    expect(files.sort()).toEqual(['ci.yml', 'release.yml']);
  });

  it.each(files)('%s passes action-validator', async (file) => {
    const result = await validate(join(workflows, file));
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('action-validator refuses a misspelt job key', async () => {
    const broken = join(scratch, 'broken.yml');
    writeFileSync(
      broken,
      'name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz: []\n',
    );
    expect((await validate(broken)).code).not.toBe(0);
  });

  it('ci.yml runs what .ci/run runs: Postgres and Redis, the same install, npm test', () => {
    const ciRun = readFileSync(join(repoRoot, '.ci', 'run'), 'utf8');
    const job = load('ci.yml').jobs.test;
    expect(Object.keys(job?.services ?? {}).sort()).toEqual(['postgres', 'redis']);
    expect(Object.keys(job?.env ?? {})).toEqual(
      expect.arrayContaining(['TEST_DATABASE_URL', 'TEST_REDIS_URL']) as unknown,
    );
    for (const skip of ciRun.match(/\b[A-Z_]+=(?:1|skip|true)\b/g) ?? []) {
      const [name, value] = skip.split('=');
      expect(job?.env?.[name ?? ''], name).toBe(value);
    }
    const commands = (job?.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(commands).toContain('npm ci --no-audit --no-fund');
    expect(commands).toMatch(/^npm test$/m);
    expect(commands).toMatch(/apt-get install [^\n]*\\\n\s+chromium prometheus postgresql-client/);
  });

  it('release.yml pushes the server image with provenance from infra/docker, on a version tag', () => {
    const release = load('release.yml');
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
    const build = release.jobs['server-image']?.steps.find((s) =>
      s.uses?.startsWith('docker/build-push-action'),
    );
    expect(build?.with).toMatchObject({
      file: 'infra/docker/Dockerfile',
      push: true,
      provenance: 'mode=max',
    });
    expect(Object.keys(release.jobs).sort()).toEqual(['desktop', 'server-image', 'update-feed']);
  });
});
