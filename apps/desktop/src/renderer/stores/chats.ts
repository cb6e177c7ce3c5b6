import type { ChatSummary } from '@codeface/ui';
import { createStore } from 'zustand/vanilla';
import { messageOf, type Api } from '../client/api';
import { showError, useToasts } from './toasts';

/**
 * A new chat before its first message: nothing is saved until it is sent (0470). Its text is
 * kept while the person looks elsewhere; an empty draft is dropped when they leave it.
 */
export type ChatDraft = { text: string; preset: string | null; systemPrompt: string | null };

export type ChatsState = {
  chats: ChatSummary[];
  loaded: boolean;
  activeChatId: string | null;
  draft: ChatDraft | null;
  /** Whether the draft is the chat on screen (`activeChatId` is then null). */
  draftOpen: boolean;
  /**
   * Names the chat view on screen, so each chat gets a composer of its own. A chat saved from
   * the draft keeps the draft's, so the person's focus stays in the box they typed in.
   */
  viewKey: string;
  /** Chats deleted in this window whose undo window is still open; hidden from the list. */
  pendingDelete: ReadonlySet<string>;
  refresh: () => Promise<void>;
  open: (chatId: string | null) => void;
  /** Shows the draft, starting an empty one if there is none. */
  openDraft: () => void;
  updateDraft: (patch: Partial<ChatDraft>) => void;
  /** Saves the draft as a chat with its preset and system prompt, and opens it. */
  createFromDraft: () => Promise<string | null>;
  create: (input?: {
    preset?: string | null;
    systemPrompt?: string | null;
  }) => Promise<string | null>;
  update: (patch: {
    chatId: string;
    title?: string;
    pinned?: boolean;
    archived?: boolean;
    preset?: string | null;
    systemPrompt?: string | null;
  }) => Promise<void>;
  remove: (chatId: string) => void;
  /** Moves to the chat above (−1) or below (+1) the open one. */
  step: (direction: -1 | 1) => void;
};

export const UNDO_DELETE_MS = 6000;

/** A draft the person left: kept if they typed something, dropped if it is still empty. */
const keptDraft = (draft: ChatDraft | null): ChatDraft | null =>
  draft && draft.text.trim() !== '' ? draft : null;

const byPinThenRecent = (a: ChatSummary, b: ChatSummary): number =>
  Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt;

export function createChatsStore(api: Api, options: { undoDeleteMs?: number } = {}) {
  const undoDeleteMs = options.undoDeleteMs ?? UNDO_DELETE_MS;
  let drafts = 0;
  const store = createStore<ChatsState>()((set, get) => ({
    chats: [],
    loaded: false,
    activeChatId: null,
    draft: null,
    draftOpen: false,
    viewKey: 'none',
    pendingDelete: new Set(),

    async refresh() {
      try {
        const chats = await api.chats.list.query({ includeArchived: true });
        set({ chats: chats.sort(byPinThenRecent), loaded: true });
      } catch (error) {
        showError(`Could not load your chats: ${messageOf(error)}`);
      }
    },

    open(chatId) {
      set({
        activeChatId: chatId,
        draftOpen: false,
        draft: keptDraft(get().draft),
        viewKey: chatId ?? 'none',
      });
    },

    openDraft() {
      set({
        activeChatId: null,
        draftOpen: true,
        draft: get().draft ?? { text: '', preset: null, systemPrompt: null },
        viewKey: `draft:${++drafts}`,
      });
    },

    updateDraft(patch) {
      const draft = get().draft;
      if (draft) set({ draft: { ...draft, ...patch } });
    },

    async createFromDraft() {
      const draft = get().draft;
      const chatId = await get().create({
        preset: draft?.preset ?? null,
        systemPrompt: draft?.systemPrompt ?? null,
      });
      if (chatId !== null) set({ draft: null, draftOpen: false });
      return chatId;
    },

    async create(input = {}) {
      try {
        const chat = await api.chats.create.mutate(input);
        set({ chats: [chat, ...get().chats].sort(byPinThenRecent), activeChatId: chat.id });
        return chat.id;
      } catch (error) {
        showError(messageOf(error));
        return null;
      }
    },

    async update({ chatId, ...patch }) {
      const before = get().chats;
      // Shown at once; put back if the database refuses it.
      set({
        chats: before.map((c) => (c.id === chatId ? { ...c, ...patch } : c)).sort(byPinThenRecent),
      });
      try {
        const saved = await api.chats.update.mutate({ chatId, ...patch });
        set({
          chats: get()
            .chats.map((c) => (c.id === chatId ? saved : c))
            .sort(byPinThenRecent),
        });
      } catch (error) {
        set({ chats: before });
        showError(messageOf(error));
      }
    },

    remove(chatId) {
      const { chats, activeChatId, pendingDelete } = get();
      const visible = chats.filter((c) => !pendingDelete.has(c.id) && !c.archived);
      const index = visible.findIndex((c) => c.id === chatId);
      const next = visible[index + 1] ?? visible[index - 1] ?? null;
      const nextActive = activeChatId === chatId ? (next?.id ?? null) : activeChatId;
      set({
        pendingDelete: new Set([...pendingDelete, chatId]),
        activeChatId: nextActive,
        viewKey: activeChatId === chatId ? (nextActive ?? 'none') : get().viewKey,
      });
      // The row is deleted only when the undo window closes, so Undo needs no restore.
      const timer = setTimeout(() => {
        api.chats.delete.mutate({ chatId }).then(
          () => set({ chats: get().chats.filter((c) => c.id !== chatId) }),
          (error: unknown) => showError(`Could not delete the chat: ${messageOf(error)}`),
        );
        const rest = new Set(get().pendingDelete);
        rest.delete(chatId);
        set({ pendingDelete: rest });
      }, undoDeleteMs);
      const title = chats.find((c) => c.id === chatId)?.title || 'Untitled chat';
      useToasts.getState().show({
        kind: 'info',
        text: `Deleted “${title}”`,
        durationMs: undoDeleteMs,
        action: {
          label: 'Undo',
          run: () => {
            clearTimeout(timer);
            const rest = new Set(get().pendingDelete);
            rest.delete(chatId);
            set({
              pendingDelete: rest,
              activeChatId: chatId,
              draftOpen: false,
              draft: keptDraft(get().draft),
              viewKey: chatId,
            });
          },
        },
      });
    },

    step(direction) {
      const { chats, activeChatId, pendingDelete } = get();
      const visible = chats.filter((c) => !pendingDelete.has(c.id) && !c.archived);
      if (visible.length === 0) return;
      const index = visible.findIndex((c) => c.id === activeChatId);
      const target =
        index === -1 ? 0 : Math.min(visible.length - 1, Math.max(0, index + direction));
      set({
        activeChatId: visible[target]?.id ?? null,
        draftOpen: false,
        draft: keptDraft(get().draft),
        viewKey: visible[target]?.id ?? 'none',
      });
    },
  }));
  return store;
}
