import type { IndexStatus, SearchHit } from '@codeface/ui';
import { createStore } from 'zustand/vanilla';
import { messageOf, type Api } from '../client/api';

export type SearchState = {
  query: string;
  hits: SearchHit[];
  loading: boolean;
  error: string | null;
  setQuery: (query: string) => void;
};

const DEBOUNCE_MS = 120;

/**
 * Search as the person types: hybrid (full text plus meaning) when the semantic index is
 * available, full text otherwise. A slow answer to an old query never replaces a newer one.
 */
export function createSearchStore(api: Api, options: { semantic: () => boolean }) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let latest = 0;
  return createStore<SearchState>()((set) => ({
    query: '',
    hits: [],
    loading: false,
    error: null,
    setQuery(query) {
      set({ query });
      if (timer) clearTimeout(timer);
      if (query.trim() === '') {
        latest++;
        set({ hits: [], loading: false, error: null });
        return;
      }
      set({ loading: true });
      timer = setTimeout(() => {
        const ticket = ++latest;
        const input = { query, limit: 30 };
        const request = options.semantic()
          ? api.search.semantic.query(input)
          : api.search.fullText.query(input);
        request.then(
          (hits) => {
            if (ticket === latest) set({ hits, loading: false, error: null });
          },
          (error: unknown) => {
            if (ticket === latest) set({ hits: [], loading: false, error: messageOf(error) });
          },
        );
      }, DEBOUNCE_MS);
    },
  }));
}

export type IndexState = { status: IndexStatus | null; watch: () => () => void };

/** The semantic index's progress, followed while the window is open. */
export function createIndexStore(api: Api) {
  return createStore<IndexState>()((set) => ({
    status: null,
    watch() {
      const subscription = api.search.watchIndex.subscribe(undefined, {
        onData: (status) => set({ status }),
        // Without the index, search stays full-text: nothing for the person to do.
        onError: () => set({ status: null }),
      });
      return () => subscription.unsubscribe();
    },
  }));
}
