import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/index';
import { tempDir } from './helpers';

const hash = (digit: string) => digit.repeat(64);

describe('the Undo of code written into files', () => {
  it('is kept in the file while the store is open, and gone once it opens again', () => {
    const file = path.join(tempDir(), 'codeface.db');
    const store = openStore({ path: file, checkpoint: { mode: 'inline' } });
    store.codeUndos.keep('u1', {
      target: { kind: 'workspace', folder: '/home/ana/project', path: 'src/app.ts' },
      previous: 'const a = 1;\n',
      writtenHash: hash('a'),
    });
    store.codeUndos.keep('u2', {
      target: { kind: 'picked', path: '/home/ana/notes.md' },
      previous: null,
      writtenHash: hash('b'),
    });
    expect(store.codeUndos.get('u1')).toEqual({
      target: { kind: 'workspace', folder: '/home/ana/project', path: 'src/app.ts' },
      previous: 'const a = 1;\n',
      writtenHash: hash('a'),
    });
    expect(store.codeUndos.get('u2')).toEqual({
      target: { kind: 'picked', path: '/home/ana/notes.md' },
      previous: null,
      writtenHash: hash('b'),
    });

    // In the file, not in this process: another connection reads it.
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare('SELECT id, previous FROM code_undos ORDER BY id').all()).toEqual([
      { id: 'u1', previous: 'const a = 1;\n' },
      { id: 'u2', previous: null },
    ]);
    reader.close();

    store.codeUndos.delete('u1');
    expect(store.codeUndos.get('u1')).toBeNull();
    store.close();

    const next = openStore({ path: file });
    expect(next.codeUndos.get('u2')).toBeNull();
    expect(next.db.prepare('SELECT count(*) AS n FROM code_undos').get()).toEqual({ n: 0 });
    // Nothing of it is synced.
    expect(next.db.prepare('SELECT count(*) AS n FROM changes').get()).toEqual({ n: 0 });
    next.close();
  });

  it('keeps the newest 50', () => {
    const store = openStore({ path: path.join(tempDir(), 'codeface.db') });
    for (let index = 0; index < 52; index++) {
      store.codeUndos.keep(`u${index}`, {
        target: { kind: 'picked', path: `/tmp/file-${index}` },
        previous: `${index}\n`,
        writtenHash: hash('c'),
      });
    }
    expect(store.codeUndos.get('u0')).toBeNull();
    expect(store.codeUndos.get('u1')).toBeNull();
    expect(store.codeUndos.get('u2')?.previous).toBe('2\n');
    expect(store.codeUndos.get('u51')?.previous).toBe('51\n');
    store.close();
  });

  it('refuses an entry that is not one', () => {
    const store = openStore({ path: path.join(tempDir(), 'codeface.db') });
    expect(() =>
      store.codeUndos.keep('u1', {
        target: { kind: 'workspace', folder: '', path: 'a.ts' },
        previous: null,
        writtenHash: hash('d'),
      }),
    ).toThrow();
    expect(() =>
      store.codeUndos.keep('u1', {
        target: { kind: 'picked', path: '/a.ts' },
        previous: null,
        writtenHash: 'not a hash',
      }),
    ).toThrow();
    expect(store.codeUndos.get('u1')).toBeNull();
    store.close();
  });
});
