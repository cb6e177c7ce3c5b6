#!/usr/bin/env node
// Runs every workspace's `bench` script in turn; each writes bench/results/<name>.json at the
// project root and prints its own table. Pass a workspace name to run one: `npm run bench -- db`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = JSON.parse(readFileSync('package.json', 'utf8'));
const only = process.argv[2];
let failed = 0;
for (const dir of root.workspaces) {
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  if (!pkg.scripts?.bench) continue;
  if (only && !dir.endsWith(only)) continue;
  console.log(`\n== ${pkg.name} ==`);
  const run = spawnSync('npm', ['run', 'bench', '-w', dir], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
