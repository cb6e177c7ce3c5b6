import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { type Store, openStore } from '../src/index';
import type { OpenStoreOptions } from '../src/store';

const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

/** A fresh folder for one test, removed after it. */
export function tempDir(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'codeface-db-'));
  folders.push(folder);
  return folder;
}

/** A clock the test moves by hand; every read advances it 1 ms so timestamps differ. */
export function steppingClock(start = Date.UTC(2026, 0, 1)) {
  let time = start;
  return () => {
    time += 1;
    return time;
  };
}

export function sequentialIds(prefix = 'id') {
  let next = 0;
  return () => {
    next += 1;
    return `${prefix}-${next}`;
  };
}

export function openTestStore(options: Partial<OpenStoreOptions> = {}): Store {
  return openStore({
    path: path.join(tempDir(), 'codeface.db'),
    deviceId: 'device-a',
    now: steppingClock(),
    newId: sequentialIds(),
    ...options,
  });
}
