import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { median, percentile } from './stats';

const root = fileURLToPath(new URL('../..', import.meta.url));

function benchFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : benchFiles(path);
    return /\.(ts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

describe('benchmark statistics', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);

  it('takes the nearest rank: the p99 of 100 samples is the 99th, not the largest', () => {
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('gives the middle sample, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('is the only percentile or median a benchmark defines', () => {
    const own = ['packages', 'apps']
      .flatMap((top) => readdirSync(join(root, top)).map((name) => join(root, top, name, 'bench')))
      .flatMap((dir) => {
        try {
          return benchFiles(dir);
        } catch {
          return [];
        }
      })
      .filter((file) =>
        /(function|const)\s+(percentile|median|quantile)\b/.test(readFileSync(file, 'utf8')),
      )
      .map((file) => relative(root, file));
    expect(own).toEqual([]);
  });
});
