#!/usr/bin/env node
// Prints line coverage per package from coverage/coverage-summary.json (written by
// `vitest run --coverage`). Vitest itself enforces the thresholds set in vitest.config.ts.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const summary = JSON.parse(readFileSync('coverage/coverage-summary.json', 'utf8'));
const totals = new Map();
for (const [file, figures] of Object.entries(summary)) {
  if (file === 'total') continue;
  const [group, name] = relative(process.cwd(), file).split('/');
  const key = `${group}/${name}`;
  const sum = totals.get(key) ?? { covered: 0, total: 0 };
  sum.covered += figures.lines.covered;
  sum.total += figures.lines.total;
  totals.set(key, sum);
}
const rows = [...totals].sort(([a], [b]) => a.localeCompare(b));
console.log('\nLine coverage by package');
for (const [key, { covered, total }] of rows) {
  const pct = total === 0 ? 100 : (100 * covered) / total;
  console.log(`  ${key.padEnd(22)} ${pct.toFixed(1).padStart(5)}%  (${covered}/${total} lines)`);
}
