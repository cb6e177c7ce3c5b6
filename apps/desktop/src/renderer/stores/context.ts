import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { Api } from '../client/api';
import { createChatsStore } from './chats';
import { createConversationStore } from './conversation';
import { createModelsStore } from './models';
import { createRemoteServersStore } from './remote-servers';
import { createIndexStore, createSearchStore } from './search';
import { createSettingsStore } from './settings';
import { createSyncStore } from './sync';

export function createStores(api: Api) {
  const chats = createChatsStore(api);
  const index = createIndexStore(api);
  const semantic = (): boolean => index.getState().status?.available === true;
  const models = createModelsStore(api);
  const conversation = createConversationStore(api, {
    onChatChanged: () => void chats.getState().refresh(),
  });
  // A page that goes away (reloaded, closed, navigated) stops the answer it shows, the one way
  // an answer stops (0409): no later page resumes it, and a dropped connection would only leave
  // it written on for a while.
  window.addEventListener('pagehide', () => conversation.getState().stop());
  return {
    api,
    chats,
    conversation,
    models,
    remoteServers: createRemoteServersStore(api, { models }),
    settings: createSettingsStore(api),
    sync: createSyncStore(api),
    index,
    search: createSearchStore(api, { semantic }),
    /** The command palette searches on its own, leaving the sidebar's query alone. */
    paletteSearch: createSearchStore(api, { semantic }),
  };
}

export type Stores = ReturnType<typeof createStores>;

export const StoresContext = createContext<Stores | null>(null);

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores needs a StoresContext provider');
  return stores;
}

/** A slice of one store, re-rendering only when that slice changes. */
export function useSlice<S, T>(store: StoreApi<S>, select: (state: S) => T): T {
  return useStore(store, select);
}
