import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatSummary } from '../types';
import type { ChatItemActions } from './ChatListItem';
import { Sidebar } from './Sidebar';

afterEach(cleanup);

const chat = (id: string, over: Partial<ChatSummary> = {}): ChatSummary => ({
  id,
  title: `Chat ${id}`,
  pinned: false,
  archived: false,
  updatedAt: 0,
  preset: null,
  systemPrompt: null,
  ...over,
});

function setup(chats: ChatSummary[]) {
  const actions: ChatItemActions = {
    open: vi.fn(),
    rename: vi.fn(),
    setPinned: vi.fn(),
    setArchived: vi.fn(),
    remove: vi.fn(),
  };
  render(
    <Sidebar
      chats={chats}
      activeChatId="b"
      screen="chat"
      query=""
      onQueryChange={vi.fn()}
      onNewChat={vi.fn()}
      onNavigate={vi.fn()}
      actions={actions}
      searchResults={null}
    />,
  );
  return actions;
}

const menuOf = (title: string): HTMLElement => {
  const item = screen.getByText(title).closest('li');
  if (!item) throw new Error(`no chat ${title}`);
  fireEvent.click(within(item).getByTestId('chat-menu'));
  return item;
};

describe('Sidebar', () => {
  it('lists pinned chats first and hides archived ones until asked', () => {
    setup([chat('a'), chat('b', { pinned: true }), chat('c', { archived: true })]);
    const sections = screen.getAllByRole('region').map((s) => s.getAttribute('aria-label'));
    expect(sections).toEqual(['Pinned', 'Chats']);
    expect(screen.queryByText('Chat c')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Archived (1)' }));
    expect(screen.getByText('Chat c')).toBeTruthy();
  });

  it('marks the open chat', () => {
    setup([chat('a'), chat('b')]);
    expect(screen.getByText('Chat b').closest('button')?.getAttribute('aria-current')).toBe('page');
  });

  it('renames inline and sends only a changed, non-empty title', () => {
    const actions = setup([chat('a')]);
    fireEvent.click(within(menuOf('Chat a')).getByRole('menuitem', { name: 'Rename' }));
    const input = screen.getByTestId('rename-input');
    fireEvent.change(input, { target: { value: '  Better title ' } });
    fireEvent.submit(input);
    expect(actions.rename).toHaveBeenCalledWith('a', 'Better title');
  });

  it('pins, archives and deletes from the menu', () => {
    const actions = setup([chat('a')]);
    fireEvent.click(within(menuOf('Chat a')).getByRole('menuitem', { name: 'Pin' }));
    fireEvent.click(within(menuOf('Chat a')).getByRole('menuitem', { name: 'Archive' }));
    fireEvent.click(within(menuOf('Chat a')).getByRole('menuitem', { name: 'Delete' }));
    expect(actions.setPinned).toHaveBeenCalledWith('a', true);
    expect(actions.setArchived).toHaveBeenCalledWith('a', true);
    expect(actions.remove).toHaveBeenCalledWith('a');
  });
});
