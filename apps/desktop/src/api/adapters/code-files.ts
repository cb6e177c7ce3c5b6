import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { AppError } from '../errors';
import type { CodeFiles, ResolvedFile, WorkspaceFolder } from '../services/code-file-ports';

/** Files larger than this are not read into a diff preview or replaced by an answer. */
export const MAX_CODE_FILE_BYTES = 5 * 1024 * 1024;
const MAX_RELATIVE_PATH_CHARS = 1024;
/** Entries listed per folder in the web host's browser; a person types a path past that. */
const MAX_LISTED_ENTRIES = 1000;
/** Names Windows treats as devices in every folder, whatever their extension. */
const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;

const refuse = (message: string, data: Record<string, unknown> = {}): never => {
  throw new AppError('invalid-path', message, data);
};

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The segments of a path the model or the person proposed inside the workspace, or a refusal
 * that says why. Only plain relative paths with forward slashes pass: no `..`, no drive letters
 * or UNC prefixes, no backslashes (a separator on Windows), no NUL, no Windows device names.
 */
export function workspaceSegments(path: string): string[] {
  if (path.includes('\0')) refuse('A file name cannot contain a NUL character.');
  if (path.length > MAX_RELATIVE_PATH_CHARS) refuse('That path is too long.');
  if (path.includes('\\')) refuse('Write the path with forward slashes, like src/app.ts.');
  if (path.startsWith('/') || /^[a-z]:/i.test(path) || path.startsWith('~')) {
    refuse(`"${path}" is not inside the workspace: give a path relative to it, like src/app.ts.`);
  }
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0) refuse('Give the file a name, like src/app.ts.');
  for (const segment of segments) {
    if (segment === '..') refuse(`"${path}" climbs out of the workspace with "..".`);
    if (segment.includes(':')) refuse(`"${segment}" has a colon, which a file name cannot hold.`);
    if (WINDOWS_DEVICE_NAME.test(segment)) refuse(`"${segment}" names a device, not a file.`);
    // A file under .git (a hook, the config) would run the next time git does.
    if (segment.toLowerCase() === '.git') refuse('CodeFace does not write inside .git folders.');
    if (segment.trim() !== segment || segment.endsWith('.')) {
      refuse(`"${segment}" starts or ends with a space or ends with a dot; rename it.`);
    }
  }
  return segments;
}

/** Refuses anything at `path` that is not a regular file: folders, devices, pipes, sockets. */
function requireRegularFile(stats: Stats, shown: string): void {
  if (stats.isDirectory()) refuse(`${shown} is a folder; name a file inside it.`);
  if (!stats.isFile()) refuse(`${shown} is not a regular file (a device, pipe or socket).`);
}

/**
 * Resolves `path` inside `root` as the file system has it now, following links only where they
 * stay inside: the result is the real path of the file that a write would replace (or create).
 */
function resolveInside(root: string, path: string): ResolvedFile {
  const rootReal = realpathSync(root);
  const segments = workspaceSegments(path);
  const shown = segments.join('/');
  let current = rootReal;
  let missingFrom: number | null = null;
  for (const [index, segment] of segments.slice(0, -1).entries()) {
    const next = join(current, segment);
    const stats = lstatOrNull(next);
    if (stats === null) {
      missingFrom = index;
      break;
    }
    let real = next;
    if (stats.isSymbolicLink()) {
      real = realpathOrRefuse(next, segment);
      if (!isInside(rootReal, real)) refuse(`${segment} links outside the workspace.`);
    }
    if (!statSync(real).isDirectory())
      refuse(`${segments.slice(0, index + 1).join('/')} is a file, not a folder.`);
    current = real;
  }
  if (missingFrom !== null) {
    const rest = segments.slice(missingFrom);
    return {
      path: join(current, ...rest),
      shown,
      exists: false,
      createFolders: dirname(join(current, ...rest)),
    };
  }
  const name = segments[segments.length - 1] ?? '';
  const target = join(current, name);
  const stats = lstatOrNull(target);
  if (stats === null) return { path: target, shown, exists: false, createFolders: null };
  if (stats.isSymbolicLink()) {
    const real = realpathOrRefuse(target, name);
    if (!isInside(rootReal, real)) refuse(`${shown} links outside the workspace.`);
    requireRegularFile(statSync(real), shown);
    return { path: real, shown, exists: true, createFolders: null };
  }
  requireRegularFile(stats, shown);
  return { path: target, shown, exists: true, createFolders: null };
}

function realpathOrRefuse(path: string, shown: string): string {
  try {
    return realpathSync(path);
  } catch {
    return refuse(`${shown} is a link to something that does not exist.`);
  }
}

/**
 * What a folder inside the workspace holds, as the browser shows it: folders and regular files,
 * links only where they stay inside, no `.git`. Every step of `path` is checked as a write is.
 */
function listInside(root: string, path: string): WorkspaceFolder {
  const rootReal = realpathSync(root);
  const segments = path.trim() === '' ? [] : workspaceSegments(path);
  let current = rootReal;
  for (const [index, segment] of segments.entries()) {
    const shown = segments.slice(0, index + 1).join('/');
    const next = join(current, segment);
    const stats = lstatOrNull(next);
    if (stats === null) refuse(`${shown} does not exist in the workspace.`);
    const real = stats?.isSymbolicLink() ? realpathOrRefuse(next, shown) : next;
    if (!isInside(rootReal, real)) refuse(`${shown} links outside the workspace.`);
    if (!statSync(real).isDirectory()) refuse(`${shown} is a file, not a folder.`);
    current = real;
  }
  const entries: WorkspaceFolder['entries'] = [];
  const names = readdirSync(current).sort((a, b) => a.localeCompare(b));
  for (const name of names) {
    if (name.toLowerCase() === '.git') continue;
    const full = join(current, name);
    let real = full;
    try {
      if (lstatSync(full).isSymbolicLink()) real = realpathSync(full);
    } catch {
      continue; // A dangling link: nothing to open.
    }
    if (!isInside(rootReal, real)) continue;
    const stats = statSync(real, { throwIfNoEntry: false });
    const relativePath = [...segments, name].join('/');
    if (stats?.isDirectory()) {
      entries.push({ name, path: relativePath, kind: 'folder', sizeBytes: null });
    } else if (stats?.isFile()) {
      entries.push({ name, path: relativePath, kind: 'file', sizeBytes: stats.size });
    }
  }
  // Folders first, as file dialogs list them.
  entries.sort((a, b) => Number(a.kind === 'file') - Number(b.kind === 'file'));
  return {
    path: segments.join('/'),
    parent: segments.length === 0 ? null : segments.slice(0, -1).join('/'),
    entries: entries.slice(0, MAX_LISTED_ENTRIES),
    truncated: entries.length > MAX_LISTED_ENTRIES,
  };
}

/** A file the person picked in a native dialog: anywhere, but a regular file or a new one. */
function resolvePicked(path: string): ResolvedFile {
  if (!isAbsolute(path) || path.includes('\0')) refuse('That is not a full path to a file.');
  const stats = lstatOrNull(path);
  if (stats === null) {
    const folder = lstatOrNull(dirname(path));
    if (folder === null || !statSync(dirname(path)).isDirectory()) {
      refuse(`The folder of ${path} does not exist.`);
    }
    return { path, shown: path, exists: false, createFolders: null };
  }
  const real = stats.isSymbolicLink() ? realpathOrRefuse(path, path) : path;
  requireRegularFile(statSync(real), path);
  return { path: real, shown: path, exists: true, createFolders: null };
}

function readText(file: ResolvedFile): string {
  if (!file.exists) return '';
  const size = statSync(file.path).size;
  if (size > MAX_CODE_FILE_BYTES) {
    refuse(`${file.shown} is larger than 5 MB; CodeFace does not replace files that large.`);
  }
  const bytes = readFileSync(file.path);
  if (bytes.subarray(0, 8192).includes(0)) refuse(`${file.shown} is a binary file.`);
  return bytes.toString('utf8');
}

/**
 * Writes next to the target and renames over it, so a crash leaves the old file or the new one,
 * never half of either. `O_EXCL` on a random name means the temporary file is never a link
 * someone planted; the file keeps its permissions.
 */
function writeText(file: ResolvedFile, content: string): void {
  if (file.createFolders !== null) mkdirSync(file.createFolders, { recursive: true });
  const mode = file.exists ? statSync(file.path).mode & 0o777 : 0o644;
  const temporary = join(dirname(file.path), `.${randomBytes(6).toString('hex')}.codeface-tmp`);
  const fd = openSync(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
    mode,
  );
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(temporary, mode);
    renameSync(temporary, file.path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Code to files on the local disk, with every path resolved and checked first. */
export function createCodeFiles(): CodeFiles {
  return {
    folder(path) {
      if (!isAbsolute(path))
        refuse('Give the workspace folder as a full path, like /home/me/project.');
      let real: string;
      try {
        real = realpathSync(path);
      } catch {
        return refuse(`The folder ${path} does not exist.`);
      }
      if (!statSync(real).isDirectory()) refuse(`${path} is a file, not a folder.`);
      return real;
    },
    inWorkspace: resolveInside,
    listInWorkspace: listInside,
    picked: resolvePicked,
    read: readText,
    write: writeText,
    remove(file) {
      unlinkSync(file.path);
    },
  };
}
