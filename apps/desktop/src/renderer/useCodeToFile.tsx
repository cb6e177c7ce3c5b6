import type { CodeToFileRequest } from '@codeface/ui';
import { lazy, Suspense, useCallback, useRef, useState, type ReactNode } from 'react';
import { messageOf, type Api } from './client/api';
import { useStores } from './stores/context';
import { showError, useToasts } from './stores/toasts';

// The dialog and its diff library load when code first goes to a file.
const CodeToFileDialog = lazy(() =>
  import('@codeface/ui/codefiles').then((module) => ({ default: module.CodeToFileDialog })),
);

type Target = { kind: 'workspace'; path: string } | { kind: 'picked'; pickId: string };
type Open = { request: CodeToFileRequest; pickId: string | null };

/** How long a toast offers Undo; the change itself stays undoable until the app restarts. */
const UNDO_TOAST_MS = 12_000;

/** A sentence from the API as an Error, for the dialog to show. */
const failure = (error: unknown): Error => new Error(messageOf(error));

/**
 * Code from an answer into a file: the native dialog picks the file where there is one
 * (Electron); the web host asks for a path inside the workspace folder. Then the diff, the
 * write, and a toast naming the file with Undo.
 */
export function useCodeToFile(
  api: Api,
  openSettings: () => void,
): { codeToFile: (request: CodeToFileRequest) => void; dialog: ReactNode } {
  const { settings } = useStores();
  const [open, setOpen] = useState<Open | null>(null);
  // What the last preview showed: the write happens only if the file still holds it.
  const previewed = useRef<{ target: Target; beforeHash: string } | null>(null);

  const codeToFile = useCallback(
    (request: CodeToFileRequest): void => {
      previewed.current = null;
      if (!settings.getState().canPickFiles) return setOpen({ request, pickId: null });
      api.codeFiles.pick.mutate({ mode: request.mode, suggestedPath: request.path }).then(
        (picked) => picked && setOpen({ request, pickId: picked.pickId }),
        (error: unknown) => showError(messageOf(error)),
      );
    },
    [api, settings],
  );

  const undo = (undoId: string): void => {
    api.codeFiles.undo.mutate({ undoId }).then(
      (undone) =>
        useToasts.getState().show({
          kind: 'info',
          text: undone.removed ? `Removed ${undone.shown}.` : `${undone.shown} is back as it was.`,
        }),
      (error: unknown) => showError(messageOf(error)),
    );
  };

  let dialog: ReactNode = null;
  if (open) {
    const { request, pickId } = open;
    const workspace = settings.getState().settings?.workspaceFolder ?? null;
    dialog = (
      <Suspense fallback={null}>
        <CodeToFileDialog
          mode={request.mode}
          source={
            pickId === null
              ? { kind: 'typed', workspace, suggestedPath: request.path ?? '' }
              : { kind: 'picked' }
          }
          preview={async (path) => {
            const target: Target =
              pickId === null
                ? { kind: 'workspace', path: path ?? '' }
                : { kind: 'picked', pickId };
            const shown = await api.codeFiles.preview
              .query({ target, content: request.code })
              .catch((error: unknown) => Promise.reject(failure(error)));
            previewed.current = { target, beforeHash: shown.beforeHash };
            return shown;
          }}
          write={async () => {
            const last = previewed.current;
            if (!last) throw new Error('Preview the change first.');
            const written = await api.codeFiles.write
              .mutate({ ...last, content: request.code })
              .catch((error: unknown) => Promise.reject(failure(error)));
            useToasts.getState().show({
              kind: 'info',
              text: written.created ? `Saved ${written.shown}.` : `Updated ${written.shown}.`,
              action: { label: 'Undo', run: () => undo(written.undoId) },
              durationMs: UNDO_TOAST_MS,
            });
          }}
          browse={(path) =>
            api.codeFiles.browse
              .query({ path })
              .catch((error: unknown) => Promise.reject(failure(error)))
          }
          onOpenSettings={() => {
            setOpen(null);
            openSettings();
          }}
          onClose={() => setOpen(null)}
        />
      </Suspense>
    );
  }
  return { codeToFile, dialog };
}
