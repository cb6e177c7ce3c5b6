import { ChatView, type ChatSummary, type MessageActions } from '@codeface/ui';
import { useEffect, useMemo, type Ref } from 'react';
import type { ChatDraft } from './stores/chats';
import { useSlice, useStores } from './stores/context';
import { showError } from './stores/toasts';

type ChatPaneProps = { composerRef: Ref<HTMLTextAreaElement> } & (
  { chat: ChatSummary; draft?: undefined } | { draft: ChatDraft; chat?: undefined }
);

/** How a draft shows until it is saved with its first message and titled from it. */
const draftSummary = (draft: ChatDraft): ChatSummary => ({
  id: '',
  title: 'New chat',
  pinned: false,
  archived: false,
  updatedAt: 0,
  preset: draft.preset,
  systemPrompt: draft.systemPrompt,
});

/**
 * The open chat, wired to the conversation store. A streaming answer's text reaches only the
 * component that shows it (`live`), so this pane re-renders when the turn starts and ends, not on
 * every frame of the answer.
 */
export function ChatPane({ composerRef, ...props }: ChatPaneProps) {
  const stores = useStores();
  const chat = props.chat ?? draftSummary(props.draft);
  const messages = useSlice(stores.conversation, (s) => s.messages);
  const live = useSlice(stores.conversation, (s) => s.live);
  const stream = useSlice(stores.conversation, (s) => s.stream);
  const errors = useSlice(stores.conversation, (s) => s.errors);
  const focusMessageId = useSlice(stores.conversation, (s) => s.focusMessageId);
  const restoredTokens = useSlice(stores.conversation, (s) => s.lastRestoredTokens);
  const counted = useSlice(stores.conversation, (s) => s.budget);
  const engine = useSlice(stores.models, (s) => s.engine);
  const modelsLoaded = useSlice(stores.models, (s) => s.loaded);
  const loadingModelName = useSlice(stores.models, (s) =>
    s.pendingModelId === null
      ? null
      : (s.models.find((model) => model.id === s.pendingModelId)?.name ?? 'the model'),
  );
  const presets = useSlice(stores.settings, (s) => s.presets);

  const actions = useMemo<MessageActions>(
    () => ({
      stepBranch: (messageId, step) =>
        void stores.conversation.getState().switchBranch(messageId, step),
      regenerate: (messageId) =>
        stores.conversation.getState().generate({ kind: 'regenerate', messageId }),
      continueAnswer: (messageId) =>
        stores.conversation.getState().generate({ kind: 'continue', messageId }),
      editAndResend: (messageId, content) =>
        stores.conversation.getState().generate({ kind: 'edit', messageId, content }),
      copy: (text) => {
        navigator.clipboard
          .writeText(text)
          .catch(() => showError('Could not copy to the clipboard.'));
      },
    }),
    [stores],
  );

  // The API counts: the meter and a send's refusal are one function (0491).
  const budget = counted && { ...counted, restoredTokens };
  const newChat = props.draft && {
    preset: props.draft.preset,
    systemPrompt: props.draft.systemPrompt,
  };
  // A model loaded or unloaded changes the window and what counts the tokens.
  useEffect(() => {
    stores.conversation.getState().recount();
  }, [stores, engine?.loadedModel, engine?.contextSize]);
  // A new chat's meter counts its prompt before its first keystroke, and again when it changes;
  // its text is counted as it is typed (onDraftChange).
  const newChatPresetId = newChat?.preset;
  const newChatPrompt = newChat?.systemPrompt;
  useEffect(() => {
    const text = stores.chats.getState().draft?.text;
    if (newChatPresetId === undefined || newChatPrompt === undefined || text === undefined) return;
    stores.conversation.getState().newChatDraftChanged({
      preset: newChatPresetId,
      systemPrompt: newChatPrompt,
      draft: text,
    });
  }, [stores, newChatPresetId, newChatPrompt]);

  /** Sends in this chat; a draft is saved as a chat first, with its first message. */
  const send = async (content: string): Promise<void> => {
    let chatId = chat.id;
    if (props.draft) {
      const created = await stores.chats.getState().createFromDraft();
      if (created === null) return;
      chatId = created;
      stores.conversation.getState().openNew(chatId);
    }
    stores.conversation.getState().generate({ kind: 'send', chatId, content });
  };

  const noModel = modelsLoaded && engine?.loadedModel == null;
  return (
    <ChatView
      chat={chat}
      messages={messages}
      live={live}
      errors={errors}
      streaming={stream?.chatId === chat.id}
      budget={budget}
      presets={presets}
      actions={actions}
      modelStatus={
        loadingModelName === null
          ? null
          : `Loading ${loadingModelName}… it can answer as soon as it is ready.`
      }
      blockedReason={
        loadingModelName !== null
          ? 'The model is still loading; send when it is ready.'
          : noModel
            ? 'Load a model first: open Models and pick one.'
            : stream && stream.chatId !== chat.id
              ? 'An answer is still being written in another chat; wait for it or stop it there.'
              : null
      }
      focusMessageId={focusMessageId}
      composerRef={composerRef}
      onSend={(content) => void send(content)}
      onDraftChange={(content) => {
        if (newChat) {
          stores.chats.getState().updateDraft({ text: content });
          stores.conversation.getState().newChatDraftChanged({ ...newChat, draft: content });
        } else stores.conversation.getState().draftChanged(chat.id, content);
      }}
      onStop={() => stores.conversation.getState().stop()}
      onPresetChange={(preset) =>
        props.draft
          ? stores.chats.getState().updateDraft({ preset })
          : void stores.chats.getState().update({ chatId: chat.id, preset })
      }
      onSaveSystemPrompt={(prompt) => {
        const systemPrompt = prompt === '' ? null : prompt;
        if (props.draft) stores.chats.getState().updateDraft({ systemPrompt });
        else void stores.chats.getState().update({ chatId: chat.id, systemPrompt });
      }}
      draftText={props.draft?.text}
    />
  );
}
