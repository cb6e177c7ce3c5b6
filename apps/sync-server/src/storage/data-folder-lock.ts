import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';

/** Another live process holds the data folder: starting would lose acknowledged data. */
export class DataFolderInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFolderInUseError';
  }
}

type Holder = { pid: number; host: string; since: string };

/**
 * Takes `<folder>.lock` for this process. PGlite is one embedded Postgres: two processes on one
 * folder both start, both write, and each overwrites what the other acknowledged. The lock file
 * names its holder; a holder that no longer runs (killed, crashed) left a stale lock, which is
 * taken over. Creating the file with `wx` makes two concurrent starts race for one winner.
 */
export function lockDataFolder(folder: string): { release(): void } {
  const path = `${resolve(folder)}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(path);
    if (attempt === 0 && holder && holder.host === me.host && !isRunning(holder.pid)) {
      rmSync(path, { force: true });
      continue;
    }
    throw new DataFolderInUseError(describe(folder, path, holder));
  }
  return {
    release() {
      // Only our own lock: after a takeover the file may name another process.
      if (readHolder(path)?.pid === me.pid) rmSync(path, { force: true });
    },
  };
}

function describe(folder: string, path: string, holder: Holder | undefined): string {
  if (!holder) {
    return `The data folder ${folder} is locked by ${path}, which names no process. If no sync server uses this folder, delete that file and start again.`;
  }
  const here = holder.host === hostname();
  return (
    `The data folder ${folder} is in use by another sync server (pid ${holder.pid} on ${holder.host}, running since ${holder.since}). ` +
    `Stop it first, or start this one with another --data-dir.` +
    (here ? '' : ` If that process no longer runs, delete ${path}.`)
  );
}

function readHolder(path: string): Holder | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return undefined;
    return { pid: value.pid, host: value.host, since: String(value.since) };
  } catch {
    return undefined;
  }
}

/** Signal 0 checks that a process exists; EPERM means it does, under another user. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
