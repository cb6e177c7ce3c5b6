import { describe, expect, it } from 'vitest';
import { EMPTY_SPLIT, advanceBlocks } from './blocks';

/** All blocks of a finished text, the last one included. */
function splitBlocks(text: string): string[] {
  const split = advanceBlocks(EMPTY_SPLIT, text);
  const tail = text.slice(split.tailStart).trimEnd();
  return tail === '' ? [...split.completed] : [...split.completed, tail];
}

describe('blocks of a finished text', () => {
  it('splits paragraphs, headings and lists at blank lines', () => {
    expect(splitBlocks('# Title\n\nSome text\nmore.\n\n- a\n- b\n')).toEqual([
      '# Title',
      'Some text\nmore.',
      '- a\n- b',
    ]);
  });

  it('keeps blank lines inside a code fence in one block', () => {
    const text = 'Intro\n\n```ts\nconst a = 1;\n\n\nconst b = 2;\n```\n\nAfter';
    expect(splitBlocks(text)).toEqual([
      'Intro',
      '```ts\nconst a = 1;\n\n\nconst b = 2;\n```',
      'After',
    ]);
  });

  it('keeps indented continuation of a list item in the same block', () => {
    expect(splitBlocks('- item\n\n  more of the item\n\nNext')).toEqual([
      '- item\n\n  more of the item',
      'Next',
    ]);
  });

  it('does not close a fence on a shorter or different marker', () => {
    const text = '````\n```\n\nstill code\n````\n\nend';
    expect(splitBlocks(text)).toEqual(['````\n```\n\nstill code\n````', 'end']);
  });
});

describe('advanceBlocks while streaming', () => {
  it('reaches the same blocks token by token as in one go', () => {
    const text =
      'Para one.\n\n```py\nprint(1)\n\nprint(2)\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nLast line';
    let split = EMPTY_SPLIT;
    const seen: string[][] = [];
    for (let i = 1; i <= text.length; i += 3) {
      split = advanceBlocks(split, text.slice(0, i));
      seen.push([...split.completed]);
    }
    split = advanceBlocks(split, text);
    const tail = text.slice(split.tailStart);
    expect([...split.completed, tail]).toEqual(splitBlocks(text));
    // Completed blocks only ever grow by appending: a finished block never changes.
    for (let i = 1; i < seen.length; i++) {
      const before = seen[i - 1] ?? [];
      expect(seen[i]?.slice(0, before.length)).toEqual(before);
    }
  });

  it('does not end an open fence early while its closing line is still partial', () => {
    const split = advanceBlocks(EMPTY_SPLIT, '```\ncode\n\nmore\n``');
    expect(split.completed).toEqual([]);
  });

  it('starts over when the text is replaced by a shorter one', () => {
    const long = advanceBlocks(EMPTY_SPLIT, 'a\n\nb\n\nc');
    const short = advanceBlocks(long, 'x\n\ny');
    expect(short.completed).toEqual(['x']);
  });
});
