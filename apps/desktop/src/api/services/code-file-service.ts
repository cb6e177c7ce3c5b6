import { createHash } from 'node:crypto';
import { AppError } from '../errors';
import type { Platform } from '../platform';
import type { CodeFiles, CodeUndoStore, ResolvedFile, FileLocation } from './code-file-ports';
import type { SettingsService } from './settings-service';

/** Where code goes: a path inside the workspace folder, or a file picked in a native dialog. */
export type CodeTarget = { kind: 'workspace'; path: string } | { kind: 'picked'; pickId: string };

/** Files picked in a native dialog, remembered under an id for the preview and the write. */
const PICKS_KEPT = 50;

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The text of a code block as it goes into a file: reasoning (`<think>…</think>`, or an
 * unclosed `<think>` to the end) is never written, and a file ends with a line break.
 */
export function codeForFile(code: string): string {
  const text = code.replace(/<think>[\s\S]*?<\/think>\n?/g, '').replace(/<think>[\s\S]*$/, '');
  if (text.trim() === '') {
    throw new AppError('empty-code', 'There is no code to write once the reasoning is left out.');
  }
  return text.endsWith('\n') ? text : `${text}\n`;
}

function remember<V>(map: Map<string, V>, [key, value]: [string, V], limit: number): void {
  map.set(key, value);
  const oldest = map.keys().next().value;
  if (map.size > limit && oldest !== undefined) map.delete(oldest);
}

/**
 * Code from an answer into a file: a preview of the change, the write, and Undo. The disk is
 * reached through `CodeFiles`, which resolves and checks every path; a write happens only if the
 * file still holds what the preview showed.
 */
export class CodeFileService {
  private readonly picks = new Map<string, string>();

  constructor(
    private readonly deps: {
      files: CodeFiles;
      /** The previous content of each write, for its Undo. */
      undos: CodeUndoStore;
      settings: SettingsService;
      /** The native dialogs, where the platform has them. */
      platform: Pick<Platform, 'canPickFiles' | 'pickPath'>;
      newId: () => string;
    },
  ) {}

  /** Asks for a file with a native dialog (desktop app); null when the person cancels. */
  async pick(request: {
    mode: 'save' | 'apply';
    suggestedPath: string | null;
  }): Promise<{ pickId: string; shown: string } | null> {
    const { platform, settings } = this.deps;
    if (!platform.canPickFiles) {
      throw new AppError(
        'unsupported-on-platform',
        'The web app has no file dialogs: type a path inside the workspace folder.',
      );
    }
    const workspace = settings.get().workspaceFolder;
    const suggested = request.suggestedPath ?? undefined;
    const path = await platform.pickPath({
      kind: request.mode === 'save' ? 'save-file' : 'open-file',
      title: request.mode === 'save' ? 'Save code as' : 'Apply code to file',
      defaultPath: workspace && suggested ? `${workspace}/${suggested}` : (workspace ?? suggested),
    });
    if (path === null) return null;
    const file = this.deps.files.picked(path);
    const pickId = this.deps.newId();
    remember(this.picks, [pickId, path], PICKS_KEPT);
    return { pickId, shown: file.shown };
  }

  /** Asks for the workspace folder with a native dialog and saves it; null when cancelled. */
  async pickWorkspace(): Promise<string | null> {
    const { platform, settings } = this.deps;
    const folder = await platform.pickPath({
      kind: 'folder',
      title: 'Choose the folder code is saved into',
      defaultPath: settings.get().workspaceFolder ?? undefined,
    });
    if (folder === null) return null;
    return settings.update({ workspaceFolder: folder }).workspaceFolder;
  }

  /** A folder inside the workspace, for the web host's file browser ('' is the workspace). */
  browse(path: string) {
    return this.deps.files.listInWorkspace(this.workspace(), path);
  }

  /** What writing `content` to the target would change; nothing is written. */
  preview(request: { target: CodeTarget; content: string }) {
    const file = this.resolve(this.locationOf(request.target));
    const before = this.deps.files.read(file);
    return {
      shown: file.shown,
      exists: file.exists,
      before,
      after: codeForFile(request.content),
      beforeHash: hashOf(before),
    };
  }

  /** Writes, if the file still holds what the preview showed (`beforeHash`); keeps an Undo. */
  write(request: { target: CodeTarget; content: string; beforeHash: string }) {
    const target = this.locationOf(request.target);
    const file = this.resolve(target);
    const before = this.deps.files.read(file);
    if (hashOf(before) !== request.beforeHash) {
      throw new AppError('file-changed', `${file.shown} changed since the preview: look again.`);
    }
    const written = codeForFile(request.content);
    this.deps.files.write(file, written);
    const undoId = this.deps.newId();
    this.deps.undos.keep(undoId, {
      target,
      previous: file.exists ? before : null,
      writtenHash: hashOf(written),
    });
    return { shown: file.shown, created: !file.exists, undoId };
  }

  /** Puts the file back as it was before that write (or removes a file the write created). */
  undo(undoId: string) {
    const entry = this.deps.undos.get(undoId);
    if (entry === null) {
      throw new AppError('undo-expired', 'That change can no longer be undone.', { undoId });
    }
    const { previous, writtenHash } = entry;
    // Resolved and checked again as the write was, against the same workspace folder: the file
    // may have been removed or replaced by a link (one leading out of the workspace) since.
    const file = this.resolve(entry.target);
    const current = file.exists ? this.deps.files.read(file) : null;
    if (current === null || hashOf(current) !== writtenHash) {
      throw new AppError(
        'file-changed',
        `${file.shown} changed after CodeFace wrote it; undoing would lose those changes.`,
      );
    }
    if (previous === null) this.deps.files.remove(file);
    else this.deps.files.write(file, previous);
    this.deps.undos.delete(undoId);
    return { shown: file.shown, removed: previous === null };
  }

  /**
   * Where the target's file is, fixed now (the picked path, the workspace folder as it is set
   * now), so the preview, the write and an Undo all look in the same place.
   */
  private locationOf(target: CodeTarget): FileLocation {
    if (target.kind === 'workspace') {
      return { kind: 'workspace', folder: this.workspace(), path: target.path };
    }
    const path = this.picks.get(target.pickId);
    if (path === undefined) {
      throw new AppError('undo-expired', 'Choose the file again: that choice has expired.');
    }
    return { kind: 'picked', path };
  }

  /** The file, resolved and checked on the disk as it is now, each time it is needed. */
  private resolve(target: FileLocation): ResolvedFile {
    return target.kind === 'workspace'
      ? this.deps.files.inWorkspace(target.folder, target.path)
      : this.deps.files.picked(target.path);
  }

  private workspace(): string {
    const workspace = this.deps.settings.get().workspaceFolder;
    if (workspace === null) {
      throw new AppError(
        'no-workspace',
        'Choose a workspace folder in Settings first: code is saved only inside it.',
      );
    }
    return workspace;
  }
}
