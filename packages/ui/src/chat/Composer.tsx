import { useState, type Ref } from 'react';
import type { Preset } from '../types';
import { formatCount } from '../models/format';

export const MAX_MESSAGE_CHARS = 200_000;

type ComposerProps = {
  streaming: boolean;
  /** Why sending is not possible now (no model loaded…), shown instead of sending. */
  blockedReason?: string | null;
  /** What the model is doing that the person waits for (it is loading), shown above the box. */
  status?: string | null;
  presets: readonly Preset[];
  /** The chat's preset: its system prompt goes with every message of the chat. */
  activePresetId: string | null;
  onPresetChange: (presetId: string | null) => void;
  onSend: (text: string) => void;
  /** The text after each edit (not after a send clears it). */
  onDraftChange?: (text: string) => void;
  onStop: () => void;
  textareaRef?: Ref<HTMLTextAreaElement>;
  maxChars?: number;
  /** Text to start with: a new chat's draft, kept while the person was elsewhere. */
  initialText?: string;
};

/** Enter sends, Shift+Enter adds a line, Esc stops a streaming answer. */
export function Composer({
  streaming,
  blockedReason = null,
  status = null,
  presets,
  activePresetId,
  onPresetChange,
  onSend,
  onDraftChange,
  onStop,
  textareaRef,
  maxChars = MAX_MESSAGE_CHARS,
  initialText = '',
}: ComposerProps) {
  const [text, setText] = useState(initialText);
  const [problem, setProblem] = useState<string | null>(null);

  const send = (): void => {
    if (streaming) return;
    if (blockedReason) return setProblem(blockedReason);
    if (text.trim() === '') return setProblem('Type a message first.');
    if (text.length > maxChars) {
      return setProblem(
        `This message is ${formatCount(text.length)} characters; the limit is ${formatCount(maxChars)}.`,
      );
    }
    onSend(text);
    setText('');
    setProblem(null);
  };

  return (
    <form
      className="cf-composer"
      data-testid="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      {status && (
        <p className="cf-composer-status" role="status" data-testid="model-status">
          {status}
        </p>
      )}
      <div className="cf-presets" role="group" aria-label="Presets">
        {presets.map((preset) => (
          <button
            key={preset.id}
            type="button"
            className="cf-chip"
            data-testid={`preset-${preset.id}`}
            aria-pressed={activePresetId === preset.id}
            title={preset.systemPrompt}
            onClick={() => onPresetChange(activePresetId === preset.id ? null : preset.id)}
          >
            {preset.name}
          </button>
        ))}
      </div>
      <div className="cf-composer-row">
        <textarea
          ref={textareaRef}
          className="cf-textarea cf-composer-input"
          data-testid="composer-input"
          aria-label="Message"
          aria-invalid={problem !== null}
          aria-describedby={problem ? 'cf-composer-problem' : undefined}
          placeholder="Ask about code… (Enter to send, Shift+Enter for a new line)"
          rows={Math.min(10, Math.max(2, text.split('\n').length))}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            onDraftChange?.(event.target.value);
            if (problem) setProblem(null);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              send();
            } else if (event.key === 'Escape' && streaming) {
              event.preventDefault();
              onStop();
            }
          }}
        />
        {streaming ? (
          <button
            type="button"
            className="cf-button cf-button-danger"
            data-testid="stop"
            onClick={onStop}
          >
            Stop
          </button>
        ) : (
          <button type="submit" className="cf-button cf-button-primary" data-testid="send">
            Send
          </button>
        )}
      </div>
      {problem && (
        <div id="cf-composer-problem" className="cf-field-problem" role="alert">
          {problem}
        </div>
      )}
    </form>
  );
}
