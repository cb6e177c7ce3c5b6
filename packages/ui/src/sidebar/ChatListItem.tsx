import { memo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { closeOnEscape } from '../layout/panelKeys';
import type { ChatSummary } from '../types';

export type ChatItemActions = {
  open: (chatId: string) => void;
  rename: (chatId: string, title: string) => void;
  setPinned: (chatId: string, pinned: boolean) => void;
  setArchived: (chatId: string, archived: boolean) => void;
  remove: (chatId: string) => void;
};

type ChatListItemProps = { chat: ChatSummary; active: boolean; actions: ChatItemActions };

export const ChatListItem = memo(function ChatListItem({
  chat,
  active,
  actions,
}: ChatListItemProps) {
  const [renaming, setRenaming] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const [title, setTitle] = useState(chat.title);
  const openButton = useRef<HTMLButtonElement>(null);
  const menuButton = useRef<HTMLButtonElement>(null);
  // The menu and the rename box replace what opened them; focus goes back once it is drawn.
  const closeMenu = (): void => {
    flushSync(() => setMenuOpen(false));
    menuButton.current?.focus();
  };
  const stopRenaming = (): void => {
    flushSync(() => setRenaming(false));
    openButton.current?.focus();
  };

  if (renaming) {
    return (
      <li className="cf-chat-item cf-chat-item-active">
        <form
          className="cf-rename"
          onSubmit={(event) => {
            event.preventDefault();
            const next = title.trim();
            if (next !== '' && next !== chat.title) actions.rename(chat.id, next);
            stopRenaming();
          }}
        >
          <input
            className="cf-input"
            aria-label="Chat title"
            data-testid="rename-input"
            value={title}
            maxLength={200}
            autoFocus
            onChange={(event) => setTitle(event.target.value)}
            onBlur={() => setRenaming(false)}
            onKeyDown={closeOnEscape(stopRenaming)}
          />
        </form>
      </li>
    );
  }

  const act = (run: () => void) => () => {
    setMenuOpen(false);
    run();
  };

  return (
    <li
      className={active ? 'cf-chat-item cf-chat-item-active' : 'cf-chat-item'}
      data-testid="chat-item"
      data-chat-id={chat.id}
    >
      <button
        type="button"
        className="cf-chat-open"
        ref={openButton}
        aria-current={active ? 'page' : undefined}
        onClick={() => actions.open(chat.id)}
      >
        {chat.pinned && (
          <span className="cf-pin" aria-label="Pinned">
            ●
          </span>
        )}
        <span className="cf-chat-title">{chat.title || 'Untitled chat'}</span>
      </button>
      <button
        type="button"
        className="cf-icon-button cf-chat-menu-button"
        aria-label={`Actions for ${chat.title || 'Untitled chat'}`}
        aria-haspopup="menu"
        aria-expanded={menuOpen}
        data-testid="chat-menu"
        ref={menuButton}
        onClick={() => setMenuOpen((open) => !open)}
      >
        ⋯
      </button>
      {menuOpen && (
        <div className="cf-menu" role="menu" onKeyDown={closeOnEscape(closeMenu)}>
          <button
            type="button"
            role="menuitem"
            autoFocus
            onClick={act(() => {
              setTitle(chat.title);
              setRenaming(true);
            })}
          >
            Rename
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={act(() => actions.setPinned(chat.id, !chat.pinned))}
          >
            {chat.pinned ? 'Unpin' : 'Pin'}
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={act(() => actions.setArchived(chat.id, !chat.archived))}
          >
            {chat.archived ? 'Unarchive' : 'Archive'}
          </button>
          <button
            type="button"
            role="menuitem"
            className="cf-text-danger"
            onClick={act(() => actions.remove(chat.id))}
          >
            Delete
          </button>
        </div>
      )}
    </li>
  );
});
