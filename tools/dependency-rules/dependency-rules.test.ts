import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));

/** Runs the cruiser exactly as `npm run lint:deps` does, over a tree of deliberately bad imports. */
async function lintFixtures(): Promise<{ exitCode: number; output: string }> {
  const cli = `${root}node_modules/dependency-cruiser/bin/dependency-cruise.mjs`;
  const args = [cli, '--config', `${root}.dependency-cruiser.cjs`, 'apps', 'packages'];
  try {
    const { stdout } = await run(process.execPath, args, { cwd: fixtures });
    return { exitCode: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { exitCode: failed.code, output: failed.stdout };
  }
}

describe('dependency rules (npm run lint:deps)', () => {
  it('fail the lint on imports that break the arrows of DESIGN.md, and only on those', async () => {
    const { exitCode, output } = await lintFixtures();
    expect(exitCode).not.toBe(0);
    const violations = output
      .split('\n')
      .filter((line) => line.trim().startsWith('error '))
      .map((line) => line.trim())
      .sort();
    expect(violations).toEqual([
      'error db-imports-nothing-of-ours: packages/db/src/index.ts → packages/ui/src/index.ts',
      'error sync-server-imports-only-sync-protocol-and-crypto: apps/sync-server/src/index.ts → packages/sync/src/index.ts',
      'error ui-no-node-builtins: packages/ui/src/index.ts → fs',
    ]);
  }, 60_000);
});
