import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SearchHit } from '../types';
import { CommandPalette } from './CommandPalette';

afterEach(cleanup);

const hit: SearchHit = {
  chatId: 'c1',
  chatTitle: 'Sorting',
  messageId: 'm7',
  role: 'assistant',
  snippet: [{ text: 'quicksort', highlight: true }],
  createdAt: 0,
};

function setup(query: string) {
  const props = {
    newChat: vi.fn(),
    onOpenHit: vi.fn(),
    onOpenChat: vi.fn(),
    onClose: vi.fn(),
  };
  render(
    <CommandPalette
      commands={[
        { id: 'new', label: 'New chat', run: props.newChat },
        { id: 'settings', label: 'Open settings', run: vi.fn() },
      ]}
      chats={[]}
      hits={[hit]}
      query={query}
      onQueryChange={vi.fn()}
      onOpenChat={props.onOpenChat}
      onOpenHit={props.onOpenHit}
      onClose={props.onClose}
    />,
  );
  return { ...props, input: screen.getByRole('combobox') };
}

describe('CommandPalette', () => {
  it('runs the highlighted command on Enter and closes', () => {
    const { input, newChat, onClose } = setup('');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(newChat).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalled();
  });

  it('moves through commands and search hits with the arrow keys', () => {
    const { input, onOpenHit } = setup('');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(screen.getAllByRole('option')[2]?.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onOpenHit).toHaveBeenCalledWith(hit);
  });

  it('filters commands by the query', () => {
    setup('sett');
    const labels = screen.getAllByRole('option').map((o) => o.textContent);
    expect(labels).toEqual(['Open settings', 'Sortingquicksort']);
  });

  it('closes on Escape', () => {
    const { onClose } = setup('');
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });
});
