import { useEffect, useId, useRef, useState } from 'react';
import { Field, TextField, hintIdOf } from '../forms/Field';
import { FormStatus } from '../forms/FormStatus';
import type { Preset, PresetEdit } from '../types';
import { ANSWER_TOKEN_LIMITS, parseField } from './validateParams';

export type PresetActions = {
  /** Saves a preset (a new one when `id` is absent); rejects with the sentence that says why. */
  save: (preset: PresetEdit) => Promise<void>;
  /** Deletes one of the person's presets; rejects with the sentence that says why. */
  delete: (presetId: string) => Promise<void>;
};

/** The longest name and prompt the app API takes (`presetSchema`). */
const MAX_NAME = 60;
const MAX_PROMPT = 20_000;

type PresetDraft = { name: string; systemPrompt: string; maxAnswerTokens: string };
type PresetProblems = Partial<Record<keyof PresetDraft, string>>;

/** The preset typed, or for each bad field the sentence that says what to do. */
export function validatePreset(
  draft: PresetDraft,
): { preset: Omit<PresetEdit, 'id'>; problems: null } | { preset: null; problems: PresetProblems } {
  const problems: PresetProblems = {};
  const name = draft.name.trim();
  if (name === '') problems.name = 'Give the preset a name.';
  else if (name.length > MAX_NAME) {
    problems.name = `A preset name can be at most ${MAX_NAME} characters.`;
  }
  if (draft.systemPrompt.trim() === '') {
    problems.systemPrompt = 'Write the system prompt: what the model should be told first.';
  } else if (draft.systemPrompt.length > MAX_PROMPT) {
    problems.systemPrompt = 'A system prompt can be at most 20,000 characters.';
  }
  const limit = parseField({ ...ANSWER_TOKEN_LIMITS, optional: true }, draft.maxAnswerTokens);
  if (typeof limit === 'string') problems.maxAnswerTokens = limit;
  if (Object.keys(problems).length > 0 || typeof limit === 'string') {
    return { preset: null, problems };
  }
  return {
    preset: { name, systemPrompt: draft.systemPrompt, maxAnswerTokens: limit },
    problems: null,
  };
}

const errorText = (error: unknown): string =>
  error instanceof Error ? error.message : 'The preset could not be saved; try again.';

const draftOf = (preset: Preset | null): PresetDraft => ({
  name: preset?.name ?? '',
  systemPrompt: preset?.systemPrompt ?? '',
  maxAnswerTokens: preset?.maxAnswerTokens == null ? '' : String(preset.maxAnswerTokens),
});

/**
 * The fields of one preset, for a new one (`preset` null) or one of the person's own. Esc
 * cancels a new one; the problems show beside their fields, as in the other settings forms.
 */
function PresetForm(props: {
  preset: Preset | null;
  onSave: PresetActions['save'];
  onDone?: () => void;
  onCancel?: () => void;
  onDelete?: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<PresetDraft>(() => draftOf(props.preset));
  const [problems, setProblems] = useState<PresetProblems>({});
  const [status, setStatus] = useState<string | null>(null);
  const saved = draftOf(props.preset);
  const changed = (Object.keys(draft) as Array<keyof PresetDraft>).some(
    (key) => draft[key] !== saved[key],
  );
  const edit = (key: keyof PresetDraft, value: string) => {
    setStatus(null);
    setDraft({ ...draft, [key]: value });
  };
  const fieldOf = (key: keyof PresetDraft) => ({
    id: `${id}-${key}`,
    problem: problems[key],
    value: draft[key],
    onValueChange: (value: string) => edit(key, value),
  });
  return (
    <form
      className="cf-preset-editor"
      data-testid={props.preset ? 'preset-editor' : 'new-preset-form'}
      aria-label={props.preset ? `Preset ${props.preset.name}` : 'New preset'}
      noValidate
      onKeyDown={(event) => {
        if (event.key === 'Escape' && props.onCancel) {
          event.preventDefault();
          props.onCancel();
        }
      }}
      onSubmit={(event) => {
        event.preventDefault();
        const result = validatePreset(draft);
        setProblems(result.problems ?? {});
        setStatus(null);
        if (!result.preset) return;
        const preset = props.preset ? { ...result.preset, id: props.preset.id } : result.preset;
        props.onSave(preset).then(
          () => {
            setStatus('Saved.');
            props.onDone?.();
          },
          (error: unknown) => setStatus(errorText(error)),
        );
      }}
    >
      <TextField
        label="Name"
        className="cf-preset-name"
        data-testid="preset-name"
        autoFocus={props.preset === null}
        {...fieldOf('name')}
      />
      <Field
        id={`${id}-systemPrompt`}
        label="System prompt"
        hint="What the model is told before every message of a chat."
        problem={problems.systemPrompt}
      >
        <textarea
          id={`${id}-systemPrompt`}
          className="cf-textarea"
          data-testid="preset-prompt"
          rows={3}
          value={draft.systemPrompt}
          aria-invalid={problems.systemPrompt ? true : undefined}
          aria-describedby={hintIdOf(`${id}-systemPrompt`)}
          onChange={(event) => edit('systemPrompt', event.target.value)}
        />
      </Field>
      <TextField
        label="Maximum answer length"
        hint="Tokens; empty uses the setting under Generation."
        className="cf-input-narrow"
        inputMode="numeric"
        data-testid="preset-max-answer-tokens"
        placeholder="Default"
        {...fieldOf('maxAnswerTokens')}
      />
      <div className="cf-row cf-wrap">
        <button
          type="submit"
          className="cf-button cf-button-small cf-button-primary"
          data-testid="preset-save"
          disabled={props.preset !== null && !changed}
        >
          {props.preset ? 'Save preset' : 'Create preset'}
        </button>
        {props.onCancel && (
          <button type="button" className="cf-button cf-button-small" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        {props.onDelete && (
          <button
            type="button"
            className="cf-button cf-button-small cf-button-danger"
            data-testid="preset-delete"
            onClick={props.onDelete}
          >
            Delete…
          </button>
        )}
        <FormStatus text={status} />
      </div>
    </form>
  );
}

/** Asks before a preset is deleted: it is gone on every synced device too. */
function ConfirmDelete(props: {
  preset: Preset;
  onDelete: PresetActions['delete'];
  onCancel: () => void;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div
      className="cf-preset-editor"
      role="alertdialog"
      aria-label={`Delete ${props.preset.name}?`}
      data-testid="preset-confirm-delete"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          props.onCancel();
        }
      }}
    >
      <p>
        Delete the preset <strong>{props.preset.name}</strong>? It goes from your other devices too;
        chats that use it keep their messages and go on without its system prompt.
      </p>
      <div className="cf-row">
        <button
          type="button"
          className="cf-button cf-button-small cf-button-danger"
          data-testid="preset-delete-confirm"
          onClick={() => {
            setProblem(null);
            props.onDelete(props.preset.id).catch((error: unknown) => setProblem(errorText(error)));
          }}
        >
          Delete preset
        </button>
        <button
          type="button"
          className="cf-button cf-button-small"
          autoFocus
          onClick={props.onCancel}
        >
          Keep it
        </button>
        {problem && (
          <span className="cf-field-problem" role="alert">
            {problem}
          </span>
        )}
      </div>
    </div>
  );
}

/**
 * Settings → Presets: the built-in presets, read only, and the person's own, which they create,
 * edit and delete here; theirs sync to their other devices (decision 0505).
 */
export function PresetSettings(props: { presets: readonly Preset[]; actions: PresetActions }) {
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  // The form or the preset is gone: focus goes to the button that makes a preset, not to the
  // page. It is moved once the button is back on screen, after the render that shows it.
  const [focusRequests, setFocusRequests] = useState(0);
  useEffect(() => {
    if (focusRequests > 0) newButton.current?.focus();
  }, [focusRequests]);
  const focusNewButton = () => setFocusRequests((count) => count + 1);
  const closeNew = () => {
    setCreating(false);
    focusNewButton();
  };
  return (
    <>
      <p className="cf-muted">
        Each preset is a system prompt, with its own answer length if you like; pick one above the
        message box. Your own presets sync to your other devices.
      </p>
      <div className="cf-list" data-testid="preset-list">
        {props.presets.map((preset) =>
          preset.builtin ? (
            <div key={preset.id} className="cf-preset-editor" data-testid="preset-builtin">
              <div className="cf-row">
                <strong>{preset.name}</strong>
                <span className="cf-tag">Built-in</span>
              </div>
              <p className="cf-muted cf-preset-prompt">{preset.systemPrompt}</p>
            </div>
          ) : deleting === preset.id ? (
            <ConfirmDelete
              key={preset.id}
              preset={preset}
              onDelete={(presetId) =>
                props.actions.delete(presetId).then(() => {
                  setDeleting(null);
                  focusNewButton();
                })
              }
              onCancel={() => setDeleting(null)}
            />
          ) : (
            <PresetForm
              key={preset.id}
              preset={preset}
              onSave={props.actions.save}
              onDelete={() => setDeleting(preset.id)}
            />
          ),
        )}
      </div>
      {creating ? (
        <PresetForm
          preset={null}
          onSave={props.actions.save}
          onDone={closeNew}
          onCancel={closeNew}
        />
      ) : (
        <div className="cf-row">
          <button
            ref={newButton}
            type="button"
            className="cf-button"
            data-testid="new-preset"
            onClick={() => setCreating(true)}
          >
            New preset
          </button>
        </div>
      )}
    </>
  );
}
