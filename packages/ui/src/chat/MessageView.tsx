import { memo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { closeOnEscape } from '../layout/panelKeys';
import type { ChatMessage } from '../types';
import { AnswerText } from './AnswerText';
import { BranchSwitcher } from './BranchSwitcher';
import type { LiveAnswer } from './liveAnswer';
import { StatsLine, statsOf } from './StatsLine';

export type MessageActions = {
  stepBranch: (messageId: string, step: -1 | 1) => void;
  regenerate: (messageId: string) => void;
  /** Writes more of an answer the length limit cut, appended to it. */
  continueAnswer: (messageId: string) => void;
  editAndResend: (messageId: string, text: string) => void;
  copy: (text: string) => void;
};

type MessageViewProps = {
  message: ChatMessage;
  branchIndex: number;
  branchCount: number;
  actions: MessageActions;
  /** True while any answer in this chat streams: editing and regenerating wait for it. */
  busy: boolean;
  /** The error of a failed answer, shown under it. */
  error?: string | null;
  highlighted?: boolean;
  /** The text of the answer being written; read only while this message streams. */
  live?: LiveAnswer;
};

const roleLabel = { user: 'You', assistant: 'Assistant', system: 'System' } as const;

function EditBox(props: { initial: string; onSave: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState(props.initial);
  return (
    <form
      className="cf-edit"
      onSubmit={(event) => {
        event.preventDefault();
        if (text.trim() !== '') props.onSave(text);
      }}
    >
      <textarea
        className="cf-textarea"
        aria-label="Edit message"
        value={text}
        autoFocus
        rows={Math.min(12, text.split('\n').length + 1)}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={closeOnEscape(props.onCancel)}
      />
      <div className="cf-row">
        <button type="submit" className="cf-button cf-button-primary" disabled={text.trim() === ''}>
          Save and send
        </button>
        <button type="button" className="cf-button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export const MessageView = memo(function MessageView({
  message,
  branchIndex,
  branchCount,
  actions,
  busy,
  error = null,
  highlighted = false,
  live,
}: MessageViewProps) {
  const stats = statsOf(message);
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const streaming = message.status === 'streaming';
  // The Edit button is not shown while editing: it is drawn again, then given focus back.
  const stopEditing = (): void => {
    flushSync(() => setEditing(false));
    editButton.current?.focus();
  };
  return (
    <article
      className={`cf-message cf-message-${message.role}${highlighted ? ' cf-message-highlighted' : ''}`}
      data-testid="message"
      data-role={message.role}
      data-status={message.status}
      data-message-id={message.id}
      aria-busy={streaming}
    >
      <header className="cf-message-header">
        <span className="cf-message-role">{roleLabel[message.role]}</span>
        <BranchSwitcher
          index={branchIndex}
          count={branchCount}
          onStep={(step) => actions.stepBranch(message.id, step)}
        />
      </header>
      {editing ? (
        <EditBox
          initial={message.content}
          onCancel={stopEditing}
          onSave={(text) => {
            setEditing(false);
            actions.editAndResend(message.id, text);
          }}
        />
      ) : (
        <div className="cf-message-body" data-testid="message-content">
          <AnswerText
            messageId={message.id}
            content={message.content}
            streaming={streaming}
            live={live}
          />
        </div>
      )}
      {message.status === 'done' && message.stopReason === 'max-tokens' && (
        <div className="cf-message-note cf-row" data-testid="cut-by-limit">
          <span>Cut by the length limit.</span>
          <button
            type="button"
            className="cf-button cf-button-small"
            data-testid="continue-answer"
            disabled={busy}
            onClick={() => actions.continueAnswer(message.id)}
          >
            Continue
          </button>
        </div>
      )}
      {message.status === 'interrupted' && (
        <div className="cf-message-note">Stopped before the end.</div>
      )}
      {message.status === 'error' && (
        <div className="cf-message-note cf-text-danger" role="alert">
          {error ?? 'The answer failed.'}
        </div>
      )}
      {!editing && !streaming && (
        <footer className="cf-message-actions">
          {stats && message.role === 'assistant' && <StatsLine stats={stats} />}
          <button
            type="button"
            className="cf-button cf-button-ghost cf-button-small"
            onClick={() => actions.copy(message.content)}
          >
            Copy
          </button>
          {message.role === 'user' && (
            <button
              type="button"
              className="cf-button cf-button-ghost cf-button-small"
              data-testid="edit-message"
              ref={editButton}
              disabled={busy}
              onClick={() => setEditing(true)}
            >
              Edit
            </button>
          )}
          {message.role === 'assistant' && (
            <button
              type="button"
              className="cf-button cf-button-ghost cf-button-small"
              data-testid="regenerate"
              disabled={busy}
              onClick={() => actions.regenerate(message.id)}
            >
              Regenerate
            </button>
          )}
        </footer>
      )}
    </article>
  );
});
