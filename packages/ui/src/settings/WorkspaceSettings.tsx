import { useEffect, useState } from 'react';

export type WorkspaceActions = {
  /** Saves the folder (null forgets it); rejects with the sentence that says why. */
  save: (folder: string | null) => Promise<void>;
  /** A native folder dialog (desktop app only); rejects with a sentence. */
  choose?: () => Promise<void>;
};

const errorText = (error: unknown): string =>
  error instanceof Error ? error.message : 'That folder could not be saved; try again.';

/** The folder that code from answers is saved into; paths in code fences are relative to it. */
export function WorkspaceSettings({
  folder,
  actions,
}: {
  folder: string | null;
  actions: WorkspaceActions;
}) {
  const [text, setText] = useState(folder ?? '');
  const [status, setStatus] = useState<{ problem: boolean; text: string } | null>(null);
  // A folder chosen in the native dialog (or saved as its real path) replaces what was typed.
  useEffect(() => setText(folder ?? ''), [folder]);
  const run = (work: Promise<void>, done: string): void => {
    setStatus(null);
    work.then(
      () => setStatus({ problem: false, text: done }),
      (error: unknown) => setStatus({ problem: true, text: errorText(error) }),
    );
  };
  return (
    <>
      <p className="cf-muted" data-testid="workspace-folder">
        {folder ? (
          <>
            Code from answers is saved inside <code className="cf-inline-code">{folder}</code>; a
            path in a code block (```ts src/app.ts) is proposed relative to it.
          </>
        ) : (
          'No workspace folder yet. Choose the folder of your project: "Save as…" and "Apply to file…" write only inside it.'
        )}
      </p>
      <form
        className="cf-field"
        onSubmit={(event) => {
          event.preventDefault();
          const typed = text.trim();
          if (typed === '') setStatus({ problem: true, text: 'Type the full path of a folder.' });
          else run(actions.save(typed), 'Saved.');
        }}
      >
        <label className="cf-label" htmlFor="cf-workspace-folder">
          Workspace folder
        </label>
        <div className="cf-row cf-wrap">
          <input
            id="cf-workspace-folder"
            className="cf-input cf-workspace-input"
            data-testid="workspace-folder-input"
            placeholder="/home/me/project"
            spellCheck={false}
            value={text}
            onChange={(event) => {
              setStatus(null);
              setText(event.target.value);
            }}
          />
          <button type="submit" className="cf-button cf-button-small">
            Save folder
          </button>
          {actions.choose && (
            <button
              type="button"
              className="cf-button cf-button-small"
              onClick={() => actions.choose && run(actions.choose(), 'Saved.')}
            >
              Choose…
            </button>
          )}
          {folder && (
            <button
              type="button"
              className="cf-button cf-button-ghost cf-button-small"
              onClick={() => {
                setText('');
                run(actions.save(null), 'Code will not be saved until you choose a folder.');
              }}
            >
              Forget folder
            </button>
          )}
        </div>
        {status && (
          <p
            className={status.problem ? 'cf-field-problem' : 'cf-muted'}
            role={status.problem ? 'alert' : 'status'}
          >
            {status.text}
          </p>
        )}
      </form>
    </>
  );
}
