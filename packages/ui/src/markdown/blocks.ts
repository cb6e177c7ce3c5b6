/**
 * Splits streaming Markdown into top-level blocks so that a growing answer re-renders only its
 * last block: completed blocks never change once text only grows, so they are memoized.
 *
 * A block ends at a blank line outside a code fence when the next line starts at column 0.
 * Indented lines after a blank line (list item continuations, indented code) stay in the
 * block; a fence keeps its blank lines. Each update rescans only the open tail, so the cost
 * per update does not grow with the length of the answer.
 */

export type BlockSplit = {
  /** Blocks that later text can no longer change. */
  readonly completed: readonly string[];
  /** Offset in the text where the open (last) block starts. */
  readonly tailStart: number;
  /** Length of the text this split was computed from; text shorter than it restarts. */
  readonly length: number;
};

export const EMPTY_SPLIT: BlockSplit = { completed: [], tailStart: 0, length: 0 };

export type Fence = { char: '`' | '~'; size: number };

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;

export function openFence(line: string): Fence | null {
  const match = FENCE_OPEN.exec(line);
  const marks = match?.[1];
  if (!marks) return null;
  return { char: marks[0] === '~' ? '~' : '`', size: marks.length };
}

export function closesFence(line: string, fence: Fence): boolean {
  const trimmed = line.trim();
  if (trimmed.length < fence.size) return false;
  for (const ch of trimmed) if (ch !== fence.char) return false;
  return true;
}

const isBlank = (line: string): boolean => line.trim() === '';
const startsAtColumnZero = (line: string): boolean => line.length > 0 && !/^[ \t]/.test(line);

/**
 * Advances `previous` (computed for a prefix of `text`) to cover all of `text`. When `text`
 * is not an extension of what `previous` saw (it got shorter), the split starts over.
 */
export function advanceBlocks(previous: BlockSplit, text: string): BlockSplit {
  const base = text.length < previous.length ? EMPTY_SPLIT : previous;
  const completed = [...base.completed];
  let blockStart = base.tailStart;
  let fence: Fence | null = null;
  let sawBlank = false;
  let pos = blockStart;
  while (pos < text.length) {
    const newline = text.indexOf('\n', pos);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(pos, lineEnd);
    if (fence) {
      if (newline !== -1 && closesFence(line, fence)) fence = null;
    } else if (isBlank(line)) {
      if (newline !== -1) sawBlank = true;
    } else {
      // A partial last line may still decide a boundary: its first character is final.
      if (sawBlank && startsAtColumnZero(line)) {
        completed.push(text.slice(blockStart, pos).trimEnd());
        blockStart = pos;
      }
      sawBlank = false;
      if (newline !== -1) fence = openFence(line);
    }
    if (newline === -1) break;
    pos = newline + 1;
  }
  return { completed, tailStart: blockStart, length: text.length };
}
