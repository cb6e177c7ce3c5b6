import { describe, expect, it } from 'vitest';
import { fileDiff, splitRows } from './diffRows';

describe('file diffs for the code-to-file preview', () => {
  it('shows a new file as every line added', () => {
    const diff = fileDiff('', 'a\nb\n');
    expect(diff).toMatchObject({ added: 2, removed: 0, tooLarge: false });
    expect(diff.hunks[0]?.lines).toEqual([
      { kind: 'added', text: 'a', oldNo: null, newNo: 1 },
      { kind: 'added', text: 'b', oldNo: null, newNo: 2 },
    ]);
  });

  it('numbers old and new lines, keeps three lines of context, and splits far changes', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 2\n', 'line two\n').replace('line 18\n', '');
    const diff = fileDiff(before, after);
    expect(diff).toMatchObject({ added: 1, removed: 2 });
    expect(diff.hunks.map((hunk) => hunk.header)).toEqual(['@@ -1,5 +1,5 @@', '@@ -15,6 +15,5 @@']);
    const first = diff.hunks[0]?.lines ?? [];
    expect(first[1]).toEqual({ kind: 'removed', text: 'line 2', oldNo: 2, newNo: null });
    expect(first[2]).toEqual({ kind: 'added', text: 'line two', oldNo: null, newNo: 2 });
    expect(first[3]).toEqual({ kind: 'context', text: 'line 3', oldNo: 3, newNo: 3 });
  });

  it('reports no hunks when nothing changes', () => {
    expect(fileDiff('same\n', 'same\n')).toEqual({
      hunks: [],
      added: 0,
      removed: 0,
      tooLarge: false,
    });
  });

  it('pairs removed runs with the added runs that replace them, side by side', () => {
    const diff = fileDiff('keep\nold 1\nold 2\nend\n', 'keep\nnew 1\nend\nextra\n');
    const hunk = diff.hunks[0];
    if (!hunk) throw new Error('expected a hunk');
    const rows = splitRows(hunk).map(({ left, right }) => [
      left?.text ?? null,
      right?.text ?? null,
    ]);
    expect(rows).toEqual([
      ['keep', 'keep'],
      ['old 1', 'new 1'],
      ['old 2', null],
      ['end', 'end'],
      [null, 'extra'],
    ]);
  });
});
