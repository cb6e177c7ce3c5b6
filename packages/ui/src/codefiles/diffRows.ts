import { structuredPatch } from 'diff';

export type DiffLine = {
  kind: 'context' | 'added' | 'removed';
  text: string;
  /** Line numbers in the file before and after; null on the side the line is not on. */
  oldNo: number | null;
  newNo: number | null;
};

export type DiffHunk = { header: string; lines: DiffLine[] };

/** One row of the side-by-side view: the old line on the left, the new one on the right. */
export type SplitRow = { left: DiffLine | null; right: DiffLine | null };

export type FileDiff = {
  hunks: DiffHunk[];
  added: number;
  removed: number;
  /** The diff took longer than the limit (huge, very different files): there are no hunks. */
  tooLarge: boolean;
};

/** Lines of unchanged code shown around each change. */
const CONTEXT_LINES = 3;
/** A diff of two large, very different files can take seconds; it is given up after this. */
const DIFF_TIMEOUT_MS = 1500;

/** The changes from `before` to `after`, line by line, in hunks with a little context. */
export function fileDiff(before: string, after: string): FileDiff {
  const patch = structuredPatch('before', 'after', before, after, undefined, undefined, {
    context: CONTEXT_LINES,
    timeout: DIFF_TIMEOUT_MS,
  });
  if (patch === undefined) return { hunks: [], added: 0, removed: 0, tooLarge: true };
  let added = 0;
  let removed = 0;
  const hunks = patch.hunks.map((hunk) => {
    let oldNo = hunk.oldStart;
    let newNo = hunk.newStart;
    const lines: DiffLine[] = [];
    for (const line of hunk.lines) {
      const text = line.slice(1);
      // "\ No newline at end of file" describes the line before it; files we write end with one.
      if (line.startsWith('\\')) continue;
      if (line.startsWith('+')) {
        added++;
        lines.push({ kind: 'added', text, oldNo: null, newNo: newNo++ });
      } else if (line.startsWith('-')) {
        removed++;
        lines.push({ kind: 'removed', text, oldNo: oldNo++, newNo: null });
      } else {
        lines.push({ kind: 'context', text, oldNo: oldNo++, newNo: newNo++ });
      }
    }
    const header = `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`;
    return { header, lines };
  });
  return { hunks, added, removed, tooLarge: false };
}

/**
 * A hunk as side-by-side rows: unchanged lines on both sides, and each run of removed lines
 * paired with the run of added lines that replaces it, the shorter run padded with gaps.
 */
export function splitRows(hunk: DiffHunk): SplitRow[] {
  const rows: SplitRow[] = [];
  let removed: DiffLine[] = [];
  let added: DiffLine[] = [];
  const flush = (): void => {
    for (let i = 0; i < Math.max(removed.length, added.length); i++) {
      rows.push({ left: removed[i] ?? null, right: added[i] ?? null });
    }
    removed = [];
    added = [];
  };
  for (const line of hunk.lines) {
    if (line.kind === 'removed') {
      // A removal after additions starts a new change.
      if (added.length > 0) flush();
      removed.push(line);
    } else if (line.kind === 'added') {
      added.push(line);
    } else {
      flush();
      rows.push({ left: line, right: line });
    }
  }
  flush();
  return rows;
}
