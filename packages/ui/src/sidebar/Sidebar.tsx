import { useState, type ReactNode, type Ref } from 'react';
import type { ChatSummary } from '../types';
import { ChatListItem, type ChatItemActions } from './ChatListItem';

export type Screen = 'chat' | 'models' | 'settings';

type SidebarProps = {
  chats: readonly ChatSummary[];
  activeChatId: string | null;
  screen: Screen;
  query: string;
  onQueryChange: (query: string) => void;
  onNewChat: () => void;
  onNavigate: (screen: Screen) => void;
  actions: ChatItemActions;
  searchRef?: Ref<HTMLInputElement>;
  /** Shown in place of the chat list while there is a query. */
  searchResults: ReactNode;
  /** Always shown above the navigation: the sync indicator. */
  status?: ReactNode;
};

export function Sidebar({
  chats,
  activeChatId,
  screen,
  query,
  onQueryChange,
  onNewChat,
  onNavigate,
  actions,
  searchRef,
  searchResults,
  status,
}: SidebarProps) {
  const [showArchived, setShowArchived] = useState(false);
  const live = chats.filter((chat) => !chat.archived);
  const pinned = live.filter((chat) => chat.pinned);
  const recent = live.filter((chat) => !chat.pinned);
  const archived = chats.filter((chat) => chat.archived);
  const section = (title: string, list: readonly ChatSummary[]) =>
    list.length > 0 && (
      <section aria-label={title}>
        <h2 className="cf-section-title">{title}</h2>
        <ul className="cf-chat-list">
          {list.map((chat) => (
            <ChatListItem
              key={chat.id}
              chat={chat}
              active={screen === 'chat' && chat.id === activeChatId}
              actions={actions}
            />
          ))}
        </ul>
      </section>
    );

  return (
    <nav className="cf-sidebar" aria-label="Chats" data-testid="sidebar">
      <div className="cf-sidebar-top">
        <span className="cf-brand">CodeFace</span>
        <button
          type="button"
          className="cf-button cf-button-primary"
          data-testid="new-chat"
          onClick={onNewChat}
        >
          New chat
        </button>
      </div>
      <div className="cf-search-box">
        <input
          ref={searchRef}
          className="cf-input"
          type="search"
          placeholder="Search all chats"
          aria-label="Search all chats"
          data-testid="search-input"
          value={query}
          onChange={(event) => onQueryChange(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') onQueryChange('');
          }}
        />
      </div>
      <div className="cf-sidebar-scroll">
        {query.trim() !== '' ? (
          searchResults
        ) : (
          <>
            {section('Pinned', pinned)}
            {section('Chats', recent)}
            {live.length === 0 && <p className="cf-muted cf-pad">No chats yet.</p>}
            {archived.length > 0 && (
              <button
                type="button"
                className="cf-button cf-button-ghost cf-button-small cf-archived-toggle"
                aria-expanded={showArchived}
                onClick={() => setShowArchived((v) => !v)}
              >
                {showArchived ? 'Hide archived' : `Archived (${archived.length})`}
              </button>
            )}
            {showArchived && section('Archived', archived)}
          </>
        )}
      </div>
      {status}
      <div className="cf-sidebar-bottom">
        <button
          type="button"
          className="cf-nav-button"
          aria-current={screen === 'models' ? 'page' : undefined}
          data-testid="nav-models"
          onClick={() => onNavigate('models')}
        >
          Models
        </button>
        <button
          type="button"
          className="cf-nav-button"
          aria-current={screen === 'settings' ? 'page' : undefined}
          data-testid="nav-settings"
          onClick={() => onNavigate('settings')}
        >
          Settings
        </button>
      </div>
    </nav>
  );
}
