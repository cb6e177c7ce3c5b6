import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Store, formatHlc, openStore } from '@codeface/db';
import { SYNCED_SETTINGS } from '../../src/engine/scope';

/** A device's store that tests can move the clock of and empty between runs. */
export type Replica = {
  store: Store;
  /** This device's wall clock. */
  clock: { now: number };
  /** Empties every table, so that one opened store serves many property runs. */
  wipe(): void;
  close(): void;
};

const folders: string[] = [];

/**
 * Opens a store in a fresh temporary folder, with a clock the test moves. SQLite checkpoints
 * inside the commit that fills the WAL, so a test store starts no thread; the benchmark asks
 * for the app's worker (decision 0105), which takes that fsync off the merge's commits.
 */
export function openReplica(
  deviceId: string,
  start = Date.UTC(2026, 0, 1),
  checkpoint: 'inline' | 'worker' = 'inline',
): Replica {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'codeface-sync-'));
  folders.push(folder);
  const clock = { now: start };
  const store = openStore({
    path: path.join(folder, 'codeface.db'),
    deviceId,
    now: () => {
      clock.now += 1;
      return clock.now;
    },
    checkpoint: { mode: checkpoint },
  });
  return {
    store,
    clock,
    wipe: () =>
      store.db.exec(`
        DELETE FROM chats; DELETE FROM presets; DELETE FROM settings; DELETE FROM changes;
        DELETE FROM sync_entities; DELETE FROM sync_state; DELETE FROM sync_quarantine;
      `),
    close: () => store.close(),
  };
}

export function removeReplicaFolders(): void {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
}

const synced = new Set<string>(SYNCED_SETTINGS);

/**
 * What a person sees that syncs: every row of chats, messages, heads, presets and the synced
 * settings, without what stays on the device (a chat's model, device settings) or is local
 * bookkeeping (insertion order, setting timestamps).
 */
export function replicaState(store: Store) {
  const all = (sql: string) => store.db.prepare(sql).all();
  return {
    chats: all(
      'SELECT id, title, preset, system_prompt, source, pinned, archived, created_at, updated_at, last_activity_at FROM chats ORDER BY id',
    ),
    messages: all(
      `SELECT id, chat_id, parent_id, role, content, status, model, error, prompt_tokens,
         completion_tokens, time_to_first_token_ms, tokens_per_second, created_at, updated_at,
         created_hlc FROM messages ORDER BY id`,
    ),
    heads: all('SELECT * FROM branch_heads ORDER BY chat_id'),
    presets: all('SELECT * FROM presets ORDER BY id'),
    settings: (all('SELECT key, value FROM settings ORDER BY key') as { key: string }[]).filter(
      (row) => synced.has(row.key),
    ),
    branches: (all('SELECT id FROM chats ORDER BY id') as { id: string }[]).map(({ id }) =>
      store.messages.activeBranch(id).map((m) => [m.id, m.siblingIndex, m.siblingCount]),
    ),
  };
}

export function hlcAt(millis: number, node: string, counter = 0): string {
  return formatHlc({ millis, counter, node });
}
