import { useState, type Ref } from 'react';
import type { BranchMessage, ChatSummary, ContextBudget, Preset } from '../types';
import { Composer } from './Composer';
import { ContextMeter } from './ContextMeter';
import type { LiveAnswer } from './liveAnswer';
import { MessageList } from './MessageList';
import type { MessageActions } from './MessageView';
import { SystemPromptEditor } from './SystemPromptEditor';

type ChatViewProps = {
  chat: ChatSummary;
  messages: readonly BranchMessage[];
  /** The text of the answer being written; `messages` holds it once it is done. */
  live?: LiveAnswer;
  errors: Readonly<Record<string, string>>;
  streaming: boolean;
  /** Null until the app has counted the chat. */
  budget: ContextBudget | null;
  presets: readonly Preset[];
  actions: MessageActions;
  blockedReason: string | null;
  focusMessageId: string | null;
  composerRef?: Ref<HTMLTextAreaElement>;
  onSend: (text: string) => void;
  /** The composer's text after each change, so the app can prepare its answer early. */
  onDraftChange?: (text: string) => void;
  onPresetChange: (preset: string | null) => void;
  onStop: () => void;
  onSaveSystemPrompt: (prompt: string) => void;
  /** What the model is doing that the person waits for (it is loading). */
  modelStatus?: string | null;
  /** The composer's starting text (a new chat's draft). */
  draftText?: string;
};

export function ChatView(props: ChatViewProps) {
  const [editingPrompt, setEditingPrompt] = useState(false);
  const { chat } = props;
  return (
    <section className="cf-chat" aria-label={chat.title || 'Chat'} data-testid="chat-view">
      <header className="cf-chat-header">
        <h1 className="cf-chat-heading" data-testid="chat-title">
          {chat.title || 'Untitled chat'}
        </h1>
        {props.budget && <ContextMeter budget={props.budget} />}
        <button
          type="button"
          className={chat.systemPrompt ? 'cf-chip cf-chip-on' : 'cf-chip'}
          data-testid="system-prompt-toggle"
          aria-expanded={editingPrompt}
          onClick={() => setEditingPrompt((v) => !v)}
        >
          System prompt
        </button>
      </header>
      {editingPrompt && (
        <SystemPromptEditor
          value={chat.systemPrompt ?? ''}
          onSave={props.onSaveSystemPrompt}
          onClose={() => setEditingPrompt(false)}
        />
      )}
      {props.messages.length === 0 ? (
        <div className="cf-chat-empty cf-muted">
          Ask a question, or paste code and choose a preset below.
        </div>
      ) : (
        <MessageList
          messages={props.messages}
          live={props.live}
          errors={props.errors}
          actions={props.actions}
          busy={props.streaming}
          focusMessageId={props.focusMessageId}
        />
      )}
      <Composer
        streaming={props.streaming}
        blockedReason={props.blockedReason}
        status={props.modelStatus}
        presets={props.presets}
        activePresetId={chat.preset}
        onPresetChange={props.onPresetChange}
        onSend={props.onSend}
        onDraftChange={props.onDraftChange}
        onStop={props.onStop}
        textareaRef={props.composerRef}
        initialText={props.draftText}
      />
    </section>
  );
}
