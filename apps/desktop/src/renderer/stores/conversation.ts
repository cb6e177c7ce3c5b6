import {
  animationFrames,
  createFrameBatcher,
  createLiveAnswer,
  type BranchMessage,
  type FrameBatcher,
  type FrameScheduler,
  type LiveAnswer,
} from '@codeface/ui';
import { createStore } from 'zustand/vanilla';
import type { ContextBudget, ContextBudgetInput, GenerateInput, GenerationEvent } from '../../api';
import { messageOf, type Api } from '../client/api';
import { showError } from './toasts';

type Stream = {
  chatId: string;
  /** Unsubscribes, which stops the answer, and ends the stream once it is saved. */
  stop: () => void;
  /** Set once Stop was pressed, until the partial answer is saved. */
  stopping: boolean;
};

export type ConversationState = {
  chatId: string | null;
  /**
   * The active branch. The answer being written keeps the text it started with here; its text so
   * far is in `live`, and is written back here when the stream ends.
   */
  messages: BranchMessage[];
  /** The streaming answer's text, for the one component that shows it (0455). */
  live: LiveAnswer;
  loading: boolean;
  stream: Stream | null;
  /** Errors of failed answers, by message id, shown under the message. */
  errors: Record<string, string>;
  focusMessageId: string | null;
  /** The prompt tokens of the last answer, as the engine counted them. */
  lastPromptTokens: number | null;
  /** Prompt tokens of the last answer read back from the chat's state saved on disk (0208). */
  lastRestoredTokens: number;
  /**
   * The context meter: how full the window is with the open chat (or the new one being written)
   * and the composer's text, as the API counts it; null until it has answered.
   */
  budget: ContextBudget | null;
  load: (chatId: string | null) => Promise<void>;
  /** Opens a chat just created: it has no messages yet, so there is nothing to read. */
  openNew: (chatId: string) => void;
  generate: (input: GenerateInput) => void;
  /**
   * Told the composer's text after each edit: once typing pauses, the engine evaluates the
   * draft, so its answer starts at once when it is sent.
   */
  draftChanged: (chatId: string, content: string) => void;
  /** Told a new chat's text and prompt while it is written, before it is saved: for the meter. */
  newChatDraftChanged: (
    draft: Omit<Extract<ContextBudgetInput, { chatId: null }>, 'chatId'>,
  ) => void;
  /** Counts the meter again now (a model was loaded: the window and the tokenizer changed). */
  recount: () => void;
  stop: () => void;
  switchBranch: (messageId: string, step: -1 | 1) => Promise<void>;
  /**
   * Another device changed these chats: the open one reads its branch again, unless an answer
   * is streaming here (its end reads it then). The composer's draft and the scroll position
   * are the components' own and stay as they are.
   */
  refreshRemote: (chatIds: readonly string[]) => Promise<void>;
  /** Makes `messageId`'s branch active and scrolls to it (a search hit). */
  reveal: (chatId: string, messageId: string) => Promise<void>;
};

/**
 * How long typing must pause before the draft is evaluated: shorter than the gap between
 * finishing a message and pressing Enter, longer than the gap between keystrokes.
 */
export const DRAFT_PAUSE_MS = 200;

export function createConversationStore(
  api: Api,
  options: {
    scheduler?: FrameScheduler;
    /**
     * Told when a chat's first turn starts, and when any turn ends: the server titles a chat from
     * its first question (even one the model then refuses) and moves it up the list.
     */
    onChatChanged?: (chatId: string) => void;
    draftPauseMs?: number;
  } = {},
) {
  const scheduler = options.scheduler ?? animationFrames;
  const draftPauseMs = options.draftPauseMs ?? DRAFT_PAUSE_MS;
  let batcher: FrameBatcher<string> | null = null;
  const live = createLiveAnswer();
  let draftTimer: ReturnType<typeof setTimeout> | undefined;
  let measureTimer: ReturnType<typeof setTimeout> | undefined;
  /** The composer's text, as last told, so that a re-count after a turn keeps counting it. */
  let draft: ContextBudgetInput | null = null;
  let measured = 0;

  const store = createStore<ConversationState>()((set, get) => {
    const reloadBranch = async (chatId: string): Promise<void> => {
      try {
        const messages = await api.messages.branch.query({ chatId });
        if (get().chatId === chatId && !get().stream) set({ messages });
      } catch (error) {
        showError(messageOf(error));
      }
    };

    const onEvent = (chatId: string, event: GenerationEvent): void => {
      // The live text follows the stream whichever chat is open, so the answer is whole when
      // the person comes back to its chat.
      if (event.type === 'started')
        live.start(event.assistantMessage.id, event.assistantMessage.content);
      if (event.type === 'delta') batcher?.push(event.text);
      if (get().chatId !== chatId) return;
      switch (event.type) {
        case 'started': {
          const { userMessage, assistantMessage } = event;
          const parentId = assistantMessage.parentId;
          const messages = get().messages;
          // Keep the branch up to the new answer's parent, then the new turn.
          const cut = messages.findIndex((m) => m.id === (userMessage?.parentId ?? parentId));
          const kept =
            userMessage && userMessage.parentId === null ? [] : messages.slice(0, cut + 1);
          const turn: BranchMessage[] = [];
          if (userMessage)
            turn.push({ ...userMessage, siblingIds: [userMessage.id], siblingIndex: 0 });
          // A continued answer is the same message: it keeps its place among its siblings.
          const continued = messages.find((m) => m.id === assistantMessage.id);
          turn.push({
            ...assistantMessage,
            siblingIds: continued?.siblingIds ?? [assistantMessage.id],
            siblingIndex: continued?.siblingIndex ?? 0,
          });
          set({ messages: [...kept, ...turn], focusMessageId: null });
          if (userMessage?.parentId === null) options.onChatChanged?.(chatId);
          return;
        }
        case 'delta':
          return;
        // The answer's final text, status and figures come with the branch read at the end.
        case 'done':
          set({
            lastPromptTokens: event.promptTokens,
            lastRestoredTokens: event.restoredTokens,
          });
          return;
        case 'error': {
          const id = event.messageId;
          if (id) set({ errors: { ...get().errors, [id]: event.message } });
          else showError(event.message);
          return;
        }
      }
    };

    /**
     * Ends a stream, however it ended (the last event, Stop, a failure). The database is the
     * source of truth: the branch is read back (final text, status, figures, sibling counts),
     * and the live text gives way to it in the same update that closes the stream, so "idle" on
     * screen always shows what was saved, and nothing is pieced together here before it.
     */
    const finish = (chatId: string): void => {
      options.onChatChanged?.(chatId);
      batcher?.dispose();
      batcher = null;
      const close = (messages: BranchMessage[] | null): void => {
        if (messages && get().chatId === chatId) set({ messages, stream: null });
        else set({ stream: null });
        live.end();
      };
      api.messages.branch.query({ chatId }).then(close, (error: unknown) => {
        close(null);
        showError(messageOf(error));
      });
    };

    return {
      chatId: null,
      messages: [],
      live,
      loading: false,
      stream: null,
      errors: {},
      focusMessageId: null,
      lastPromptTokens: null,
      lastRestoredTokens: 0,
      budget: null,

      async load(chatId) {
        if (get().chatId === chatId) return;
        set({
          chatId,
          messages: [],
          errors: {},
          focusMessageId: null,
          lastPromptTokens: null,
          lastRestoredTokens: 0,
          budget: null,
        });
        if (chatId === null) return;
        set({ loading: true });
        try {
          const messages = await api.messages.branch.query({ chatId });
          // A turn started meanwhile (a chat just saved from its draft) holds the newer branch.
          if (get().chatId === chatId && !get().stream) {
            set({ messages });
            // An answer written elsewhere (another tab, the quick ask) is shown as it grows,
            // not frozen at the text it had when read.
            const last = messages.at(-1);
            if (last?.role === 'assistant' && last.status === 'streaming') {
              get().generate({ kind: 'follow', messageId: last.id });
            }
          }
        } catch (error) {
          showError(messageOf(error));
        } finally {
          if (get().chatId === chatId) set({ loading: false });
        }
      },

      openNew(chatId) {
        set({
          chatId,
          messages: [],
          errors: {},
          focusMessageId: null,
          lastPromptTokens: null,
          loading: false,
        });
        // The draft's text was sent as the first message: the composer starts empty.
        draft = null;
      },

      generate(input) {
        const chatId = get().chatId;
        if (!chatId || get().stream) return;
        clearTimeout(draftTimer);
        // The composer is emptied by a send: the meter counts the turn, then an empty draft.
        draft = null;
        batcher = createFrameBatcher<string>({
          scheduler,
          // Every delta of a frame lands in one update of the live text: one render per frame at
          // most, of the answer alone.
          flush: (texts) => live.append(texts.join('')),
        });
        // Events are tracked: after a reconnect, the client asks for the answer from the last
        // one it had, and the server goes on from there (0409).
        let ended = false;
        const end = (): void => {
          if (ended) return;
          ended = true;
          finish(chatId);
        };
        const subscription = api.messages.generate.subscribe(input, {
          onData: ({ data }) => onEvent(chatId, data),
          onError: (error) => {
            showError(messageOf(error));
            end();
          },
          onComplete: end,
        });
        set({
          stream: {
            chatId,
            stop: () => {
              subscription.unsubscribe();
              end();
            },
            stopping: false,
          },
          errors: {},
        });
      },

      draftChanged(chatId, content) {
        measureLater({ chatId, draft: content });
        clearTimeout(draftTimer);
        // While an answer streams the engine is busy, and the draft's branch is about to change.
        if (content.trim() === '' || get().stream) return;
        draftTimer = setTimeout(() => {
          if (get().stream || get().chatId !== chatId) return;
          // Only a head start: a draft that cannot be prefilled is evaluated when it is sent,
          // and anything wrong with it is reported then.
          api.messages.prefill.mutate({ chatId, content }).catch(() => undefined);
        }, draftPauseMs);
      },

      newChatDraftChanged(newChat) {
        measureLater({ chatId: null, ...newChat });
      },

      recount() {
        const chatId = get().chatId;
        if (chatId !== null) measureNow(openChatInput(chatId));
        else if (draft?.chatId === null) measureNow(draft);
      },

      stop() {
        const stream = get().stream;
        if (!stream || stream.stopping) return;
        set({ stream: { ...stream, stopping: true } });
        // Unsubscribing is the one way to stop (0409). The branch read that ends the stream waits
        // on the server until the partial answer is saved, so the stream stays open until then
        // and nothing new starts while the old answer is still being finalised.
        stream.stop();
      },

      async refreshRemote(chatIds) {
        const chatId = get().chatId;
        if (chatId !== null && chatIds.includes(chatId)) await reloadBranch(chatId);
      },

      async switchBranch(messageId, step) {
        const message = get().messages.find((m) => m.id === messageId);
        const target = message?.siblingIds[message.siblingIndex + step];
        if (!target || get().stream) return;
        try {
          set({ messages: await api.messages.switchBranch.mutate({ messageId: target }) });
        } catch (error) {
          showError(messageOf(error));
        }
      },

      async reveal(chatId, messageId) {
        if (get().stream) get().stop();
        set({ chatId, loading: true, errors: {} });
        try {
          // The hit's branch becomes the active one, as if the person had switched to it; below
          // the hit the newest answers show.
          const messages = await api.messages.switchBranch.mutate({ messageId });
          set({ messages, focusMessageId: messageId });
        } catch (error) {
          showError(messageOf(error));
        } finally {
          set({ loading: false });
        }
      },
    };
  });
  /** Asks the API for the meter's reading; only the newest answer is shown. */
  const measureNow = (input: ContextBudgetInput): void => {
    clearTimeout(measureTimer);
    const asked = ++measured;
    api.messages.contextBudget.query(input).then(
      (budget) => {
        if (asked === measured && store.getState().chatId === input.chatId)
          store.setState({ budget });
      },
      // The meter is a guide; a send reports what is wrong with a message.
      () => undefined,
    );
  };
  /** Counts the draft once typing pauses, as the prefill does. */
  const measureLater = (input: ContextBudgetInput): void => {
    draft = input;
    clearTimeout(measureTimer);
    measureTimer = setTimeout(() => measureNow(input), draftPauseMs);
  };
  /** The open chat with the composer's text, when it is the text of this chat. */
  const openChatInput = (chatId: string): ContextBudgetInput =>
    draft?.chatId === chatId ? draft : { chatId, draft: '' };

  // The meter is counted again whenever the branch on screen settles: a chat opened, an answer
  // saved, another branch chosen. While an answer streams it keeps its last reading.
  store.subscribe((state, previous) => {
    if (state.stream || state.chatId === null) return;
    if (state.messages !== previous.messages || previous.stream) {
      measureNow(openChatInput(state.chatId));
    }
  });
  return store;
}
