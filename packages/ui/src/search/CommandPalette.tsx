import { useState, type ReactNode } from 'react';
import { Dialog } from '../layout/Dialog';
import type { ChatSummary, SearchHit } from '../types';
import { Snippet } from './Snippet';

export type PaletteCommand = { id: string; label: string; hint?: string; run: () => void };

type PaletteItem = { key: string; run: () => void; content: ReactNode };

type CommandPaletteProps = {
  commands: readonly PaletteCommand[];
  chats: readonly ChatSummary[];
  hits: readonly SearchHit[];
  query: string;
  onQueryChange: (query: string) => void;
  onOpenChat: (chatId: string) => void;
  onOpenHit: (hit: SearchHit) => void;
  onClose: () => void;
};

const includes = (text: string, query: string): boolean =>
  text.toLowerCase().includes(query.trim().toLowerCase());

/** Ctrl/Cmd+K: commands, chats by title and message search in one list, driven by the keys. */
export function CommandPalette(props: CommandPaletteProps) {
  const { query } = props;
  const [active, setActive] = useState(0);
  const done = (run: () => void) => () => {
    props.onClose();
    run();
  };
  const items: PaletteItem[] = [
    ...props.commands
      .filter((c) => includes(c.label, query))
      .map((c) => ({
        key: `cmd:${c.id}`,
        run: done(c.run),
        content: (
          <>
            <span>{c.label}</span>
            {c.hint && <kbd>{c.hint}</kbd>}
          </>
        ),
      })),
    ...props.chats
      .filter((chat) => query.trim() !== '' && includes(chat.title, query))
      .slice(0, 8)
      .map((chat) => ({
        key: `chat:${chat.id}`,
        run: done(() => props.onOpenChat(chat.id)),
        content: (
          <>
            <span className="cf-muted">Chat</span> <span>{chat.title || 'Untitled chat'}</span>
          </>
        ),
      })),
    ...props.hits.slice(0, 20).map((hit) => ({
      key: `hit:${hit.messageId}`,
      run: done(() => props.onOpenHit(hit)),
      content: (
        <span className="cf-palette-hit">
          <span className="cf-search-hit-title">{hit.chatTitle || 'Untitled chat'}</span>
          <Snippet runs={hit.snippet} />
        </span>
      ),
    })),
  ];
  const current = Math.min(active, Math.max(0, items.length - 1));

  return (
    <Dialog
      title="Command palette"
      onClose={props.onClose}
      testId="command-palette"
      className="cf-palette"
    >
      <input
        className="cf-input cf-palette-input"
        aria-label="Search or run a command"
        placeholder="Search chats and messages, or type a command"
        autoFocus
        role="combobox"
        aria-expanded="true"
        aria-controls="cf-palette-list"
        aria-activedescendant={items[current] ? `cf-palette-${current}` : undefined}
        value={query}
        onChange={(event) => {
          setActive(0);
          props.onQueryChange(event.target.value);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            setActive((i) => Math.min(items.length - 1, i + 1));
          } else if (event.key === 'ArrowUp') {
            event.preventDefault();
            setActive((i) => Math.max(0, i - 1));
          } else if (event.key === 'Enter') {
            event.preventDefault();
            items[current]?.run();
          }
        }}
      />
      <ul className="cf-palette-list" id="cf-palette-list" role="listbox" aria-label="Results">
        {items.map((item, i) => (
          <li
            key={item.key}
            id={`cf-palette-${i}`}
            role="option"
            aria-selected={i === current}
            className={i === current ? 'cf-palette-item cf-palette-item-active' : 'cf-palette-item'}
            data-testid="palette-item"
            onMouseEnter={() => setActive(i)}
            onClick={item.run}
          >
            {item.content}
          </li>
        ))}
        {items.length === 0 && <li className="cf-muted cf-pad">Nothing matches.</li>}
      </ul>
    </Dialog>
  );
}
