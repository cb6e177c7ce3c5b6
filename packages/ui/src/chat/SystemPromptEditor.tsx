import { useState } from 'react';
import { closeOnEscape, useReturnFocus } from '../layout/panelKeys';
import { formatCount } from '../models/format';

type SystemPromptEditorProps = {
  value: string;
  onSave: (value: string) => void;
  onClose: () => void;
};

export const MAX_SYSTEM_PROMPT_CHARS = 8_000;

export function SystemPromptEditor({ value, onSave, onClose }: SystemPromptEditorProps) {
  const [draft, setDraft] = useState(value);
  const tooLong = draft.length > MAX_SYSTEM_PROMPT_CHARS;
  useReturnFocus();
  return (
    <form
      className="cf-system-prompt"
      data-testid="system-prompt-editor"
      onKeyDown={closeOnEscape(onClose)}
      onSubmit={(event) => {
        event.preventDefault();
        if (tooLong) return;
        onSave(draft.trim());
        onClose();
      }}
    >
      <label className="cf-label" htmlFor="cf-system-prompt">
        System prompt for this chat
      </label>
      <textarea
        id="cf-system-prompt"
        className="cf-textarea"
        rows={4}
        value={draft}
        placeholder="For example: You are reviewing a TypeScript monorepo. Answer briefly."
        aria-invalid={tooLong}
        autoFocus
        onChange={(event) => setDraft(event.target.value)}
      />
      {tooLong && (
        <div className="cf-field-problem" role="alert">
          Keep the system prompt under {formatCount(MAX_SYSTEM_PROMPT_CHARS)} characters.
        </div>
      )}
      <div className="cf-row cf-row-end">
        <button type="button" className="cf-button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="cf-button cf-button-primary" disabled={tooLong}>
          Save
        </button>
      </div>
    </form>
  );
}
