import { describe, expect, it } from 'vitest';
import { fencePath } from './fencePath';

describe('the path a code fence proposes', () => {
  it('reads a bare path or a named one after the language', () => {
    expect(fencePath('src/app.ts')).toBe('src/app.ts');
    expect(fencePath('  main.py  ')).toBe('main.py');
    expect(fencePath('title="src/my app.ts"')).toBe('src/my app.ts');
    expect(fencePath("file='lib/x.rs' {1,3}")).toBe('lib/x.rs');
    expect(fencePath('path=src/a.go showLineNumbers')).toBe('src/a.go');
  });

  it('proposes nothing without a path', () => {
    expect(fencePath(null)).toBeNull();
    expect(fencePath('')).toBeNull();
    expect(fencePath('{1,3} showLineNumbers')).toBeNull();
    expect(fencePath('...')).toBeNull();
  });
});
