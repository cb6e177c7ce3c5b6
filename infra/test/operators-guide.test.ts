import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/tools';

const guideDir = join(repoRoot, 'docs', 'operators');
const guides = readdirSync(guideDir).filter((f) => f.endsWith('.md'));

describe('docs/operators', () => {
  it('lists every guide in its README', () => {
    const readme = readFileSync(join(guideDir, 'README.md'), 'utf8');
    expect(guides.filter((g) => g !== 'README.md' && !readme.includes(`](${g})`))).toEqual([]);
  });

  it.each(guides)('%s links only to files that exist', (guide) => {
    const text = readFileSync(join(guideDir, guide), 'utf8');
    const broken = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1] ?? '')
      .filter((link) => !/^[a-z]+:/.test(link) && !link.startsWith('#'))
      .filter(
        (link) => !existsSync(join(dirname(join(guideDir, guide)), link.split('#')[0] ?? '')),
      );
    expect(broken).toEqual([]);
  });

  it('has every guide that infra/ and the workflows point to', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
      );
    const pointed = [...files(join(repoRoot, 'infra')), ...files(join(repoRoot, '.github'))]
      .filter((f) => !f.includes(`${join('infra', 'test')}`))
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/docs\/operators\/([a-z-]+\.md)/g)])
      .map((m) => m[1] ?? '');
    expect(pointed.length).toBeGreaterThan(5);
    expect([...new Set(pointed)].filter((g) => !guides.includes(g))).toEqual([]);
  });

  it('names the paths of infra/ that exist', () => {
    const named = guides.flatMap((g) =>
      [...readFileSync(join(guideDir, g), 'utf8').matchAll(/`(infra\/[^`\s]+)`/g)].map(
        (m) => m[1] ?? '',
      ),
    );
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((path) => !existsSync(join(repoRoot, path)))).toEqual([]);
  });
});
