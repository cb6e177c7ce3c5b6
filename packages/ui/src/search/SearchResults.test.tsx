import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IndexStatus, SearchHit } from '../types';
import { SearchResults } from './SearchResults';

afterEach(cleanup);

const hit = (messageId: string, matchedBy: SearchHit['matchedBy']): SearchHit => ({
  chatId: 'c',
  chatTitle: 'Sorting',
  messageId,
  role: 'assistant',
  snippet: [{ text: 'quicksort', highlight: true }],
  createdAt: 0,
  matchedBy,
});

const status = (over: Partial<IndexStatus>): IndexStatus => ({
  available: true,
  state: 'indexing',
  indexedThisRun: 30,
  pending: 70,
  error: null,
  ...over,
});

function show(hits: SearchHit[], index: IndexStatus | null) {
  render(
    <SearchResults
      query="sort"
      hits={hits}
      loading={false}
      error={null}
      index={index}
      onOpen={vi.fn()}
    />,
  );
}

describe('SearchResults', () => {
  it('marks hits found only by meaning', () => {
    show([hit('a', ['text', 'semantic']), hit('b', ['semantic'])], null);
    const marked = screen
      .getAllByTestId('search-hit')
      .map((el) => el.textContent?.includes('similar meaning'));
    expect(marked).toEqual([false, true]);
  });

  it('shows indexing progress, and that it pauses while the model answers', () => {
    show([], status({}));
    const bar = screen.getByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('30');
    expect(bar.getAttribute('aria-valuemax')).toBe('100');
    cleanup();
    show([], status({ state: 'paused' }));
    expect(screen.getByTestId('indexing-progress').textContent).toContain('paused');
    cleanup();
    show([], status({ state: 'idle', pending: 0 }));
    expect(screen.queryByTestId('indexing-progress')).toBeNull();
  });
});
