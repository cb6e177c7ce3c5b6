import { useEffect, useState } from 'react';
import { Dialog } from '../layout/Dialog';
import type { ModelFolder } from '../types';
import { formatBytes } from './format';

type ModelFileBrowserProps = {
  /** Lists a folder (the home folder for null); rejects with a sentence for the person. */
  browse: (path: string | null) => Promise<ModelFolder>;
  onPick: (path: string) => void;
  onClose: () => void;
};

/**
 * The web host's file dialog (a browser page cannot read paths from the system's): folders and
 * .gguf files under the home folder, with the places other tools keep models offered first.
 */
export function ModelFileBrowser({ browse, onPick, onClose }: ModelFileBrowserProps) {
  const [folder, setFolder] = useState<ModelFolder | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const open = (path: string | null): void => {
    browse(path).then(
      (next) => {
        setFolder(next);
        setProblem(null);
      },
      (error: unknown) =>
        setProblem(error instanceof Error ? error.message : 'That folder cannot be opened.'),
    );
  };
  // The home folder when the dialog opens; later folders as the person picks them.
  useEffect(() => open(null), []);
  return (
    <Dialog title="Import a model file" onClose={onClose} testId="model-browser">
      <h2 className="cf-dialog-title">Import a model file</h2>
      {folder && (
        <>
          <div className="cf-presets" role="group" aria-label="Places">
            {folder.places.map((place) => (
              <button
                key={place.path}
                type="button"
                className="cf-chip"
                aria-pressed={place.path === folder.path}
                onClick={() => open(place.path)}
              >
                {place.label}
              </button>
            ))}
          </div>
          <div className="cf-row cf-browser-path">
            <button
              type="button"
              className="cf-button cf-button-small"
              disabled={folder.parent === null}
              onClick={() => open(folder.parent)}
            >
              ↑ Up
            </button>
            <code data-testid="browser-path">{folder.path}</code>
          </div>
        </>
      )}
      {problem && (
        <p className="cf-field-problem" role="alert">
          {problem}
        </p>
      )}
      {folder && (
        <ul className="cf-browser-list" aria-label="Folders and model files">
          {folder.entries.length === 0 && (
            <li className="cf-muted">No folders or .gguf files here.</li>
          )}
          {folder.entries.map((entry) => (
            <li key={entry.path}>
              <button
                type="button"
                className="cf-browser-entry"
                data-testid={entry.kind === 'folder' ? 'browser-folder' : 'browser-model'}
                onClick={() => (entry.kind === 'folder' ? open(entry.path) : onPick(entry.path))}
              >
                <span aria-hidden="true">{entry.kind === 'folder' ? '📁' : '◆'}</span>
                <span className="cf-browser-name">{entry.name}</span>
                {entry.sizeBytes !== null && (
                  <span className="cf-muted">{formatBytes(entry.sizeBytes)}</span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
