/** A file a write would replace or create, resolved and checked by the `CodeFiles` port. */
export type ResolvedFile = {
  /** The real path written to (links already followed). */
  path: string;
  /** How the file is named to the person: relative to the workspace, or as picked. */
  shown: string;
  exists: boolean;
  /** Folders to create before writing (a new file in a new folder), or null. */
  createFolders: string | null;
};

/** A folder inside the workspace, for the web host's file browser; paths are relative to it. */
export type WorkspaceFolder = {
  /** '' at the workspace folder itself. */
  path: string;
  /** Null at the workspace folder: the browser goes no higher. */
  parent: string | null;
  entries: { name: string; path: string; kind: 'folder' | 'file'; sizeBytes: number | null }[];
  /** More entries than are listed. */
  truncated: boolean;
};

/**
 * The disk, as code to files needs it. Every method that takes a path resolves and checks it
 * first; a refusal is an `AppError('invalid-path')` whose message names the problem.
 */
export interface CodeFiles {
  /** A workspace folder's real path; refuses a missing folder or a file. */
  folder(path: string): string;
  /** `path` (relative, as a fence or the person wrote it) inside the workspace `root`. */
  inWorkspace(root: string, path: string): ResolvedFile;
  /** The folders and regular files in a folder inside the workspace (links kept inside). */
  listInWorkspace(root: string, path: string): WorkspaceFolder;
  /** A full path the person picked in a native dialog. */
  picked(path: string): ResolvedFile;
  /** The file's text ('' for a new file); refuses binary and very large files. */
  read(file: ResolvedFile): string;
  /** Replaces the file's content atomically, creating folders as needed. */
  write(file: ResolvedFile, content: string): void;
  remove(file: ResolvedFile): void;
}

/**
 * Where a file is found, each time it is needed: a path inside a workspace folder (the folder as it
 * was set when the person chose the file), or a path picked in a native dialog.
 */
export type FileLocation =
  { kind: 'workspace'; folder: string; path: string } | { kind: 'picked'; path: string };

/** What a write replaced: the file's text, or null when the write created the file. */
export type KeptUndo = { target: FileLocation; previous: string | null; writtenHash: string };

/**
 * Where Undo is kept: the store (`store.codeUndos`), which keeps the newest writes until the
 * next app start, so an Undo outlives a reload of the window but not a restart (0515).
 */
export interface CodeUndoStore {
  keep(undoId: string, undo: KeptUndo): void;
  get(undoId: string): KeptUndo | null;
  delete(undoId: string): void;
}
