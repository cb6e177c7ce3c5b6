import { act, cleanup, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Count how often each block's Markdown is parsed; the real parser is not what this tests. The
// texts hold emphasis, so that every block goes through the parser (plain prose does not).
const renders = vi.hoisted(() => new Map<string, number>());
vi.mock('react-markdown', () => ({
  default: ({ children }: { children: string }): ReactNode => {
    renders.set(children, (renders.get(children) ?? 0) + 1);
    return <p>{children}</p>;
  },
}));

const { StreamingMarkdown } = await import('./StreamingMarkdown');

afterEach(() => {
  cleanup();
  renders.clear();
});

function streamInto(text: string, step: number): { rerenders: number } {
  const view = render(<StreamingMarkdown text="" streaming />);
  let rerenders = 0;
  for (let end = step; end < text.length + step; end += step) {
    act(() => view.rerender(<StreamingMarkdown text={text.slice(0, end)} streaming />));
    rerenders++;
  }
  return { rerenders };
}

describe('StreamingMarkdown', () => {
  it(
    'does not render a completed block again while later blocks stream',
    { timeout: 30_000 },
    () => {
      const paragraphs = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} has *some* words.`);
      const text = paragraphs.join('\n\n');
      streamInto(text, 5);
      // At most twice: once when the open block happened to hold exactly this text, once when it
      // completed (its `streaming` prop changes); never again for the ~250 updates after it.
      for (const paragraph of paragraphs.slice(0, -1)) {
        expect(renders.get(paragraph)).toBeGreaterThanOrEqual(1);
        expect(renders.get(paragraph)).toBeLessThanOrEqual(2);
      }
    },
  );

  it(
    'costs the same Markdown renders per update for a long answer as for a short one',
    {
      timeout: 30_000,
    },
    () => {
      const paragraph = '*word* '.repeat(20).trim();
      const short = Array.from({ length: 5 }, () => paragraph).join('\n\n');
      const long = Array.from({ length: 80 }, (_, i) => `${i} ${paragraph}`).join('\n\n');
      const total = (): number => [...renders.values()].reduce((a, b) => a + b, 0);
      const { rerenders: shortUpdates } = streamInto(short, 25);
      const shortPerUpdate = total() / shortUpdates;
      cleanup();
      renders.clear();
      const { rerenders: longUpdates } = streamInto(long, 25);
      const longPerUpdate = total() / longUpdates;
      // One render of the open block per update, plus each finished block once more as it
      // completes; re-rendering finished blocks would cost about 40 per update here.
      expect(longPerUpdate).toBeLessThan(1.5);
      expect(longPerUpdate).toBeLessThan(shortPerUpdate * 1.2);
    },
  );

  it('shows the whole text as blocks in order', () => {
    const view = render(<StreamingMarkdown text={'one\n\ntwo\n\nthree'} />);
    expect([...view.container.querySelectorAll('p')].map((p) => p.textContent)).toEqual([
      'one',
      'two',
      'three',
    ]);
  });
});
