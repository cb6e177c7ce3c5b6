import {
  CommandPalette,
  ErrorBoundary,
  FirstRun,
  MarkdownHostContext,
  NoChat,
  Resizer,
  SearchResults,
  ShortcutsSheet,
  Sidebar,
  SyncIndicator,
  Toasts,
  isMacPlatform,
  shortcutFor,
  useTheme,
  type ChatItemActions,
  type MarkdownHost,
  type PaletteCommand,
  type Screen,
  type SearchHit,
} from '@codeface/ui';
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { ChatPane } from './ChatPane';
import { messageOf } from './client/api';
import { SIDEBAR_MAX, SIDEBAR_MIN, usePreferences } from './stores/preferences';
import { useSlice, useStores } from './stores/context';
import { showError, useToasts } from './stores/toasts';
import { useChatFiles } from './useChatFiles';
import { useCodeToFile } from './useCodeToFile';

// The models and settings screens are their own chunks: the chat paints without them.
const ModelsPane = lazy(() => import('./ModelsPane'));
const SettingsPane = lazy(() => import('./SettingsPane'));

export function App() {
  const stores = useStores();
  const { api } = stores;
  const isMac = useMemo(isMacPlatform, []);
  const prefs = usePreferences();
  // `?screen=settings` opens Settings (the quick ask asks for a workspace folder there).
  const [screen, setScreen] = useState<Screen>(() =>
    new URLSearchParams(window.location.search).get('screen') === 'settings' ? 'settings' : 'chat',
  );
  // First run's "Import a model file" opens the Models screen with its file browser open.
  const [browseOnOpen, setBrowseOnOpen] = useState(false);
  useEffect(() => {
    if (screen !== 'models') setBrowseOnOpen(false);
  }, [screen]);
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const drawerButtonRef = useRef<HTMLButtonElement>(null);

  const chats = useSlice(stores.chats, (s) => s.chats);
  const chatsLoaded = useSlice(stores.chats, (s) => s.loaded);
  const pendingDelete = useSlice(stores.chats, (s) => s.pendingDelete);
  const activeChatId = useSlice(stores.chats, (s) => s.activeChatId);
  const draft = useSlice(stores.chats, (s) => s.draft);
  const draftOpen = useSlice(stores.chats, (s) => s.draftOpen);
  const viewKey = useSlice(stores.chats, (s) => s.viewKey);
  const engine = useSlice(stores.models, (s) => s.engine);
  const modelsLoaded = useSlice(stores.models, (s) => s.loaded);
  const localModels = useSlice(stores.models, (s) => s.models);
  const settings = useSlice(stores.settings, (s) => s.settings);
  const search = useSlice(stores.search, (s) => s);
  const paletteSearch = useSlice(stores.paletteSearch, (s) => s);
  const indexStatus = useSlice(stores.index, (s) => s.status);
  const syncView = useSlice(stores.sync, (s) => s.view);
  const toasts = useToasts();
  const files = useChatFiles(api);
  const code = useCodeToFile(api, () => setScreen('settings'));

  // The database's theme wins once it arrives; the local copy only avoids a wrong first paint.
  const themePreference = settings?.theme ?? prefs.theme;
  useTheme(themePreference);
  useEffect(() => {
    if (settings && settings.theme !== prefs.theme) prefs.setTheme(settings.theme);
  }, [settings, prefs]);

  useEffect(() => {
    // `?chat=<id>` opens a chat directly ("continue in chat" from the quick-ask window).
    const requested = new URLSearchParams(window.location.search).get('chat');
    if (requested) stores.chats.getState().open(requested);
    void stores.chats.getState().refresh();
    void stores.models.getState().refresh();
    void stores.settings.getState().refresh();
    const stopDownloads = stores.models.getState().watchDownloads();
    const stopIndex = stores.index.getState().watch();
    // Another device's changes show up live: the list, the open chat, presets and settings.
    const stopSync = stores.sync.getState().watch((change) => {
      void stores.chats.getState().refresh();
      void stores.conversation.getState().refreshRemote(change.chatIds);
      if (change.presets || change.settingKeys.length > 0) {
        void stores.settings.getState().refresh();
      }
    });
    return () => {
      stopDownloads();
      stopIndex();
      stopSync();
    };
  }, [stores]);

  useEffect(() => {
    void stores.conversation.getState().load(activeChatId);
  }, [activeChatId, stores]);

  const visibleChats = useMemo(
    () => chats.filter((c) => !pendingDelete.has(c.id)),
    [chats, pendingDelete],
  );
  const chat = visibleChats.find((c) => c.id === activeChatId) ?? null;

  // Settings → Sync scrolled into view once the settings screen is drawn.
  const [syncFocusRequests, setSyncFocusRequests] = useState(0);

  // Focus for the composer of a view that is about to be drawn.
  const [composerFocusRequests, setComposerFocusRequests] = useState(0);
  useEffect(() => {
    if (composerFocusRequests > 0) composerRef.current?.focus();
  }, [composerFocusRequests]);

  /** A new chat is a draft until its first message is sent (0470). */
  const newChat = (): void => {
    setScreen('chat');
    setDrawerOpen(false);
    stores.chats.getState().openDraft();
    setComposerFocusRequests((count) => count + 1);
  };

  const openChat = (chatId: string): void => {
    stores.chats.getState().open(chatId);
    setScreen('chat');
    setDrawerOpen(false);
  };

  const openHit = (hit: SearchHit): void => {
    stores.chats.getState().open(hit.chatId);
    void stores.conversation.getState().reveal(hit.chatId, hit.messageId);
    setScreen('chat');
    setDrawerOpen(false);
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const action = shortcutFor(event, isMac);
      if (!action || event.defaultPrevented) return;
      if (action === 'stopAnswer') {
        // Esc belongs to whatever has it first (a dialog, a menu), then the drawer; it stops an
        // answer otherwise.
        if (drawerOpen) {
          event.preventDefault();
          setDrawerOpen(false);
          drawerButtonRef.current?.focus();
        } else if (stores.conversation.getState().stream) {
          event.preventDefault();
          stores.conversation.getState().stop();
        }
        return;
      }
      event.preventDefault();
      switch (action) {
        case 'newChat':
          newChat();
          return;
        case 'commandPalette':
          setPaletteOpen((open) => !open);
          return;
        case 'focusComposer':
          setScreen('chat');
          composerRef.current?.focus();
          return;
        case 'previousChat':
        case 'nextChat':
          stores.chats.getState().step(action === 'previousChat' ? -1 : 1);
          setScreen('chat');
          return;
        case 'toggleSidebar':
          prefs.toggleSidebar();
          return;
        case 'showShortcuts':
          setShortcutsOpen(true);
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const markdownHost = useMemo<MarkdownHost>(
    () => ({
      openLink: (url) => {
        api.platform.openExternal
          .mutate({ url })
          .catch((error: unknown) => showError(messageOf(error)));
      },
      copyText: (text) => navigator.clipboard.writeText(text),
      codeToFile: code.codeToFile,
    }),
    [api, code.codeToFile],
  );

  const chatActions = useMemo<ChatItemActions>(
    () => ({
      open: openChat,
      rename: (chatId, title) => void stores.chats.getState().update({ chatId, title }),
      setPinned: (chatId, pinned) => void stores.chats.getState().update({ chatId, pinned }),
      setArchived: (chatId, archived) => void stores.chats.getState().update({ chatId, archived }),
      remove: (chatId) => stores.chats.getState().remove(chatId),
    }),
    // openChat only calls store actions and state setters, which are stable.
    [stores],
  );

  const firstRun = modelsLoaded && localModels.length === 0 && engine?.loadedModel == null;

  const commands: PaletteCommand[] = [
    {
      id: 'new',
      label: 'New chat',
      hint: isMac ? '⌘⇧O' : 'Ctrl+Shift+O',
      run: newChat,
    },
    { id: 'models', label: 'Open models', run: () => setScreen('models') },
    { id: 'settings', label: 'Open settings', run: () => setScreen('settings') },
    {
      id: 'theme',
      label: 'Switch between light and dark theme',
      run: () =>
        void stores.settings
          .getState()
          .setTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark'),
    },
    { id: 'shortcuts', label: 'Keyboard shortcuts', hint: '?', run: () => setShortcutsOpen(true) },
  ];

  const main = (() => {
    if (screen === 'models') return <ModelsPane startBrowsing={browseOnOpen} />;
    if (screen === 'settings')
      return (
        <SettingsPane
          onExport={files.exportChats}
          onImport={files.importChats}
          showSync={syncFocusRequests}
        />
      );
    if (draftOpen && draft)
      return <ChatPane key={viewKey} draft={draft} composerRef={composerRef} />;
    if (firstRun && !chat) {
      return (
        <FirstRun
          onOpenCatalog={() => setScreen('models')}
          onImport={() => {
            // Electron shows its own file dialog; the web host its file browser.
            if (stores.settings.getState().canPickFiles) {
              void stores.models.getState().importFile(null);
            } else setBrowseOnOpen(true);
            setScreen('models');
          }}
          onAddRemote={() => setScreen('models')}
        />
      );
    }
    if (!chat) return chatsLoaded ? <NoChat onNewChat={newChat} /> : null;
    return <ChatPane key={viewKey} chat={chat} composerRef={composerRef} />;
  })();

  return (
    <MarkdownHostContext.Provider value={markdownHost}>
      <div
        className="cf-app"
        data-sidebar={prefs.sidebarHidden ? 'hidden' : 'shown'}
        data-drawer={drawerOpen ? 'open' : 'closed'}
        style={{ ['--cf-sidebar-width' as string]: `${prefs.sidebarWidth}px` }}
      >
        <div className="cf-sidebar-slot">
          <ErrorBoundary label="The sidebar failed">
            <Sidebar
              chats={visibleChats}
              activeChatId={activeChatId}
              screen={screen}
              query={search.query}
              onQueryChange={search.setQuery}
              onNewChat={newChat}
              onNavigate={(next) => {
                setScreen(next);
                setDrawerOpen(false);
              }}
              actions={chatActions}
              searchRef={searchRef}
              status={
                <SyncIndicator
                  view={syncView}
                  onOpenSettings={() => {
                    setScreen('settings');
                    setDrawerOpen(false);
                    setSyncFocusRequests((count) => count + 1);
                  }}
                  onSyncNow={() => stores.sync.getState().syncNow()}
                />
              }
              searchResults={
                <SearchResults
                  query={search.query}
                  hits={search.hits}
                  loading={search.loading}
                  error={search.error}
                  index={indexStatus}
                  onOpen={openHit}
                />
              }
            />
          </ErrorBoundary>
        </div>
        <Resizer
          width={prefs.sidebarWidth}
          min={SIDEBAR_MIN}
          max={SIDEBAR_MAX}
          onResize={prefs.setSidebarWidth}
        />
        <main className="cf-main">
          <div className="cf-topbar">
            <button
              type="button"
              className="cf-icon-button"
              aria-label="Show chats"
              aria-expanded={drawerOpen}
              data-testid="open-drawer"
              ref={drawerButtonRef}
              onClick={() => setDrawerOpen(true)}
            >
              ☰
            </button>
            <span className="cf-brand">CodeFace</span>
          </div>
          {drawerOpen && (
            <div
              className="cf-drawer-scrim"
              aria-hidden="true"
              onClick={() => setDrawerOpen(false)}
            />
          )}
          <Toasts toasts={toasts.toasts} onDismiss={toasts.dismiss} />
          <ErrorBoundary label="This pane failed" key={screen}>
            <Suspense fallback={<div className="cf-pad cf-muted">Loading…</div>}>{main}</Suspense>
          </ErrorBoundary>
        </main>
      </div>
      {paletteOpen && (
        <CommandPalette
          commands={commands}
          chats={visibleChats}
          hits={paletteSearch.hits}
          query={paletteSearch.query}
          onQueryChange={paletteSearch.setQuery}
          onOpenChat={openChat}
          onOpenHit={openHit}
          onClose={() => {
            setPaletteOpen(false);
            paletteSearch.setQuery('');
          }}
        />
      )}
      {shortcutsOpen && <ShortcutsSheet isMac={isMac} onClose={() => setShortcutsOpen(false)} />}
      {code.dialog}
    </MarkdownHostContext.Provider>
  );
}
