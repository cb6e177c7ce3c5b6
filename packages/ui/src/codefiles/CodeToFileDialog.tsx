import { useEffect, useRef, useState } from 'react';
import { Segmented } from '../forms/Segmented';
import { Dialog } from '../layout/Dialog';
import { DiffView, useFileDiff, type DiffLayout } from './DiffView';

/** What writing the code would do to the file; nothing has been written yet. */
export type CodeFilePreview = { shown: string; exists: boolean; before: string; after: string };

/** A folder inside the workspace, as the web host's browser lists it; paths are relative. */
export type CodeFolder = {
  path: string;
  parent: string | null;
  entries: { name: string; path: string; kind: 'folder' | 'file'; sizeBytes: number | null }[];
  truncated: boolean;
};

/**
 * Where the file comes from: a path the person types inside the workspace folder (the web host;
 * `workspace` is null until one is set in Settings), or a file already picked in a native dialog.
 */
export type CodeFileSource =
  { kind: 'typed'; workspace: string | null; suggestedPath: string } | { kind: 'picked' };

type CodeToFileDialogProps = {
  mode: 'save' | 'apply';
  source: CodeFileSource;
  /** The preview for a typed path (null for a picked file); rejects with a sentence. */
  preview: (path: string | null) => Promise<CodeFilePreview>;
  /** Writes what the last preview showed; rejects with a sentence (the file changed meanwhile). */
  write: () => Promise<void>;
  /** Lists a folder inside the workspace ('' for the workspace itself); rejects with a sentence. */
  browse: (path: string) => Promise<CodeFolder>;
  onOpenSettings: () => void;
  onClose: () => void;
};

const errorText = (error: unknown): string =>
  error instanceof Error ? error.message : 'That did not work; try again.';

const DIFF_LAYOUTS: readonly { value: DiffLayout; label: string }[] = [
  { value: 'unified', label: 'Unified' },
  { value: 'split', label: 'Side by side' },
];

function PreviewBody({ preview, mode }: { preview: CodeFilePreview; mode: 'save' | 'apply' }) {
  const [layout, setLayout] = useState<DiffLayout>('unified');
  const diff = useFileDiff(preview.before, preview.after);
  return (
    <>
      <div className="cf-row cf-diff-toolbar">
        <span className="cf-diff-summary" data-testid="diff-summary">
          <code>{preview.shown}</code>{' '}
          {preview.exists ? (
            <>
              <span className="cf-diff-count-added">+{diff.added}</span>{' '}
              <span className="cf-diff-count-removed">−{diff.removed}</span>
            </>
          ) : (
            <span className="cf-muted">
              new file, {diff.added} {diff.added === 1 ? 'line' : 'lines'}
            </span>
          )}
        </span>
        <Segmented
          label="Diff layout"
          options={DIFF_LAYOUTS}
          value={layout}
          onChange={setLayout}
          testIdPrefix="diff-layout-"
        />
      </div>
      {mode === 'save' && preview.exists && (
        <p className="cf-codefile-warning" role="note">
          {preview.shown} already exists: saving replaces it with the changes below.
        </p>
      )}
      {mode === 'apply' && !preview.exists && (
        <p className="cf-codefile-warning" role="note">
          {preview.shown} does not exist yet: applying creates it.
        </p>
      )}
      <DiffView diff={diff} layout={layout} />
    </>
  );
}

/** The files of the workspace, a folder at a time: the web host's stand-in for a dialog. */
function WorkspaceBrowser({
  folder,
  onOpen,
  onPick,
}: {
  folder: CodeFolder;
  onOpen: (path: string) => void;
  onPick: (path: string) => void;
}) {
  return (
    <div className="cf-codefile-browser" data-testid="code-file-browser">
      <div className="cf-row cf-browser-path">
        <button
          type="button"
          className="cf-button cf-button-small"
          disabled={folder.parent === null}
          onClick={() => folder.parent !== null && onOpen(folder.parent)}
        >
          ↑ Up
        </button>
        <code>{folder.path === '' ? 'workspace folder' : folder.path}</code>
      </div>
      <ul className="cf-browser-list" aria-label="Folders and files">
        {folder.entries.length === 0 && <li className="cf-muted">This folder is empty.</li>}
        {folder.entries.map((entry) => (
          <li key={entry.path}>
            <button
              type="button"
              className="cf-browser-entry"
              data-testid={entry.kind === 'folder' ? 'browser-folder' : 'browser-file'}
              onClick={() => (entry.kind === 'folder' ? onOpen(entry.path) : onPick(entry.path))}
            >
              <span aria-hidden="true">{entry.kind === 'folder' ? '📁' : '📄'}</span>
              <span className="cf-browser-name">{entry.name}</span>
            </button>
          </li>
        ))}
        {folder.truncated && (
          <li className="cf-muted">More files than are shown: type the path instead.</li>
        )}
      </ul>
    </div>
  );
}

/**
 * Code from an answer into a file: the path (typed or picked), the diff, then the write.
 * Esc closes it and gives focus back to the button that opened it; Ctrl+Enter writes.
 */
export function CodeToFileDialog({
  mode,
  source,
  preview,
  write,
  browse,
  onOpenSettings,
  onClose,
}: CodeToFileDialogProps) {
  const title = mode === 'save' ? 'Save code as a new file' : 'Apply code to a file';
  const suggested = source.kind === 'typed' ? source.suggestedPath : '';
  const [path, setPath] = useState(suggested);
  const [shown, setShown] = useState<CodeFilePreview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [folder, setFolder] = useState<CodeFolder | null>(null);
  const writeButton = useRef<HTMLButtonElement>(null);

  const openFolder = (relative: string): void => {
    browse(relative).then(
      (listed) => {
        setFolder(listed);
        setProblem(null);
        // A new file goes into the folder the person opened, under the name it had.
        if (mode === 'save') {
          const name = path.split('/').pop() ?? '';
          setPath(listed.path === '' ? name : `${listed.path}/${name}`);
          setShown(null);
        }
      },
      (error: unknown) => setProblem(errorText(error)),
    );
  };

  const load = (typed: string | null): void => {
    setBusy(true);
    setProblem(null);
    preview(typed).then(
      (next) => {
        setShown(next);
        setBusy(false);
      },
      (error: unknown) => {
        setShown(null);
        setProblem(errorText(error));
        setBusy(false);
      },
    );
  };
  const ready = source.kind === 'picked' || source.workspace !== null;
  // A picked file, or a path the fence proposed, is previewed at once.
  useEffect(() => {
    if (source.kind === 'picked') load(null);
    else if (ready && suggested.trim() !== '') load(suggested.trim());
    // Once, when the dialog opens.
  }, []);
  useEffect(() => {
    if (shown) writeButton.current?.focus();
  }, [shown]);

  const submit = (): void => {
    if (!shown || busy) return;
    setBusy(true);
    write().then(onClose, (error: unknown) => {
      setProblem(errorText(error));
      setBusy(false);
    });
  };

  return (
    <Dialog title={title} onClose={onClose} testId="code-to-file" className="cf-codefile-dialog">
      <div
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            submit();
          }
        }}
      >
        <h2 className="cf-dialog-title">{title}</h2>
        {source.kind === 'typed' && source.workspace === null && (
          <div className="cf-codefile-setup">
            <p>
              Code is written only inside a workspace folder. Choose one in Settings, then come back
              to this answer.
            </p>
            <button type="button" className="cf-button" onClick={onOpenSettings}>
              Open Settings
            </button>
          </div>
        )}
        {source.kind === 'typed' && source.workspace !== null && (
          <form
            className="cf-field cf-codefile-path"
            onSubmit={(event) => {
              event.preventDefault();
              if (path.trim() === '') setProblem('Give the file a name, like src/app.ts.');
              else load(path.trim());
            }}
          >
            <label className="cf-label" htmlFor="cf-code-file-path">
              {mode === 'save' ? 'New file' : 'File to change'}, inside{' '}
              <code>{source.workspace}</code>
            </label>
            <div className="cf-row">
              <input
                id="cf-code-file-path"
                className="cf-input"
                data-testid="code-file-path"
                value={path}
                placeholder="src/app.ts"
                autoFocus
                spellCheck={false}
                onChange={(event) => {
                  setPath(event.target.value);
                  setShown(null);
                  setProblem(null);
                }}
              />
              <button type="submit" className="cf-button" disabled={busy}>
                Preview
              </button>
              <button
                type="button"
                className="cf-button"
                aria-expanded={folder !== null}
                data-testid="code-file-browse"
                onClick={() => (folder ? setFolder(null) : openFolder(''))}
              >
                Browse…
              </button>
            </div>
          </form>
        )}
        {folder && (
          <WorkspaceBrowser
            folder={folder}
            onOpen={openFolder}
            onPick={(picked) => {
              setFolder(null);
              setPath(picked);
              load(picked);
            }}
          />
        )}
        {problem && (
          <p className="cf-field-problem" role="alert" data-testid="code-file-problem">
            {problem}
          </p>
        )}
        {busy && !shown && <p className="cf-muted">Reading the file…</p>}
        {shown && <PreviewBody preview={shown} mode={mode} />}
        <div className="cf-row cf-dialog-actions">
          <button
            ref={writeButton}
            type="button"
            className="cf-button cf-button-primary"
            data-testid="code-file-write"
            disabled={!shown || busy}
            onClick={submit}
          >
            {mode === 'save' ? 'Save file' : 'Apply changes'}
          </button>
          <button type="button" className="cf-button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </div>
    </Dialog>
  );
}
