import { createHash, randomBytes } from 'node:crypto';
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import type { SavedStatesInfo } from '../../engine/types';
import { SAVED_STATE_FORMAT_VERSION, tokensDigest } from './state-key';
import { StateSpeedMeter, worthAFile } from './state-worth';
import type { PinnedSpeeds } from './state-worth';

/**
 * What the store needs of a context sequence: node-llama-cpp's `LlamaContextSequence` (tests
 * pass a stand-in that writes plain bytes).
 */
export type StateSequence = {
  readonly contextTokens: readonly number[];
  saveStateToFile(path: string): Promise<unknown>;
  loadStateFromFile(path: string, risk: { acceptRisk: true }): Promise<void>;
  clearHistory(): Promise<void>;
};

const recordSchema = z.object({
  format: z.literal(SAVED_STATE_FORMAT_VERSION),
  chatId: z.string().min(1),
  /** The state key's digest (state-key.ts): model, context options, versions. */
  key: z.string().min(1),
  /** The exact tokens the state holds, and their digest. */
  tokens: z.array(z.number().int().nonnegative()),
  tokensDigest: z.string(),
  /** The state file beside this record, written by llama.cpp. */
  file: z.string().regex(/^[0-9a-f]{32}\.[0-9a-f]{8}\.kv$/),
  bytes: z.number().int().positive(),
  crc32: z.number().int().nonnegative(),
});
type StateRecord = z.infer<typeof recordSchema>;

/** The in-memory index: one entry per chat with a saved state, by file name stem. */
type IndexEntry = {
  chatId: string;
  key: string;
  tokensDigest: string;
  file: string;
  bytes: number;
  /** When it was last saved or loaded (the record's mtime): the budget evicts the oldest. */
  usedAt: number;
};

/** A file another process is writing (`.tmp`) or loading (`.loading`), by its process id. */
const IN_PROGRESS = /^(?<stem>[0-9a-f]{32})\..*\.(?<pid>\d+)\.(?<kind>tmp|loading)$/;
const RECORD = /^(?<stem>[0-9a-f]{32})\.json$/;
const STATE_FILE = /^[0-9a-f]{32}\.[0-9a-f]{8}\.kv$/;
/** An unreferenced state file younger than this may be another process's save, mid-way. */
const ORPHAN_GRACE_MS = 60_000;
const CHECKSUM_CHUNK_BYTES = 4 * 1024 * 1024;

export type RestoredState = { tokens: number; ms: number };

type StoreOptions = {
  dir: string;
  budgetBytes: number;
  now: () => number;
  /** Speeds the worth-a-file rule holds to instead of measuring them. */
  speeds?: PinnedSpeeds;
};

/**
 * The KV states of chats saved to disk, one per chat, so a chat whose context sequence was
 * given up (evicted, unloaded, app closed) does not evaluate its whole conversation again.
 *
 * A state is loaded only when its key (the model, the context options, the versions) is this
 * context's and its token prefix is the prompt's; its file is checked (size and CRC-32) before
 * llama.cpp reads it. Writes go to a temporary file renamed into place, and the record that
 * names a state file is written last, so a crash at any point leaves either the old state, the
 * new one, or files that the next start deletes. While a state loads, its record is renamed to
 * a `.loading` marker with this process's id: a process that dies mid-load leaves the marker,
 * and the next one deletes that state instead of loading it again.
 *
 * A state is saved, and loaded, only when reading it back is predicted faster than evaluating
 * its tokens again (state-worth.ts): a short chat costs no file.
 *
 * Work after llama.cpp's write (checksum, renames, the budget) runs in the background, so a
 * save holds the model only for the write itself. The store's own operations run one at a time.
 */
export class SavedStateStore {
  private readonly index = new Map<string, IndexEntry>();
  private work: Promise<void> = Promise.resolve();
  private lastSave: SavedStatesInfo['lastSave'] = null;
  private lastRestore: SavedStatesInfo['lastRestore'] = null;
  private readonly speeds: StateSpeedMeter;
  private readonly dir: string;
  private budgetBytes: number;
  private readonly now: () => number;

  private constructor(options: StoreOptions) {
    this.dir = options.dir;
    this.budgetBytes = options.budgetBytes;
    this.now = options.now;
    this.speeds = new StateSpeedMeter(options.speeds);
  }

  /** Opens the folder (creating it), deleting what a crashed process left half-done. */
  static async open(options: StoreOptions): Promise<SavedStateStore> {
    const store = new SavedStateStore(options);
    await mkdir(options.dir, { recursive: true });
    await store.sweep();
    await store.enforceBudget();
    return store;
  }

  info(): SavedStatesInfo {
    let bytes = 0;
    for (const entry of this.index.values()) bytes += entry.bytes;
    return {
      bytes,
      chats: this.index.size,
      budgetBytes: this.budgetBytes,
      lastSave: this.lastSave,
      lastRestore: this.lastRestore,
    };
  }

  /** `tokens` of a prompt evaluated in `ms` by this process: what a state saves the chat. */
  notePrefill(tokens: number, ms: number): void {
    this.speeds.notePrefill(tokens, ms);
  }

  /**
   * Saves the sequence's state as the chat's, when it is worth a file. Resolves once llama.cpp has written it; the rest
   * (checksum, renames, budget) follows in the background. A failure costs only the saving.
   */
  async save(options: { chatId: string; sequence: StateSequence; key: string }): Promise<void> {
    const { chatId, sequence, key } = options;
    const tokens = [...sequence.contextTokens];
    if (!worthAFile({ tokens: tokens.length, speeds: this.speeds.current() })) return;
    const stem = stemFor(chatId);
    const digest = tokensDigest(tokens);
    await this.work;
    const current = this.index.get(stem);
    if (current && current.key === key && current.tokensDigest === digest) {
      // Unchanged since it was saved or loaded: only its place in the budget's order moves.
      this.enqueue(() => this.touch(stem));
      return;
    }
    const file = `${stem}.${randomBytes(4).toString('hex')}.kv`;
    const temporary = join(this.dir, `${file}.${process.pid}.tmp`);
    const started = this.now();
    try {
      await sequence.saveStateToFile(temporary);
    } catch {
      await rm(temporary, { force: true });
      return;
    }
    const writeMs = this.now() - started;
    this.enqueue(async () => {
      try {
        const { bytes, crc } = await checksum(temporary);
        await rename(temporary, join(this.dir, file));
        const record: StateRecord = {
          format: SAVED_STATE_FORMAT_VERSION,
          chatId,
          key,
          tokens,
          tokensDigest: digest,
          file,
          bytes,
          crc32: crc,
        };
        await writeAtomically(this.recordPath(stem), JSON.stringify(record));
        const previous = this.index.get(stem);
        if (previous && previous.file !== file)
          await rm(join(this.dir, previous.file), { force: true });
        this.index.set(stem, {
          chatId,
          key,
          tokensDigest: digest,
          file,
          bytes,
          usedAt: Date.now(),
        });
        this.lastSave = { chatId, tokens: tokens.length, bytes, ms: writeMs };
        this.speeds.noteWrite(tokens.length, bytes);
        await this.enforceBudget();
      } catch {
        await rm(temporary, { force: true });
      }
    });
  }

  /**
   * Loads the chat's saved state into `sequence` (a fresh one) when its key is `key` and the
   * tokens it shares with `prompt` are worth reading back rather than evaluating again. Resolves to the prompt tokens it holds
   * (the common prefix; the caller's evaluation drops anything after it), or null when nothing
   * was loaded. A state whose key differs is left alone (it may be another model's, still
   * good there); one whose chat changed near its start, or whose file is damaged, is deleted.
   */
  async restore(options: {
    chatId: string;
    sequence: StateSequence;
    key: string;
    prompt: readonly number[];
  }): Promise<RestoredState | null> {
    let restored: RestoredState | null = null;
    await this.enqueue(async () => {
      restored = await this.load(options);
    });
    return restored;
  }

  /** Deletes the states of these chats (deleted chats). */
  forget(chatIds: readonly string[]): Promise<void> {
    return this.enqueue(async () => {
      for (const chatId of chatIds) await this.remove(stemFor(chatId));
    });
  }

  /** Deletes every state except those of these chats (the chats that still exist). */
  keepOnly(chatIds: readonly string[]): Promise<void> {
    const kept = new Set(chatIds.map(stemFor));
    return this.enqueue(async () => {
      for (const stem of [...this.index.keys()]) if (!kept.has(stem)) await this.remove(stem);
    });
  }

  clear(): Promise<void> {
    return this.enqueue(async () => {
      for (const stem of [...this.index.keys()]) await this.remove(stem);
    });
  }

  setBudget(budgetBytes: number): Promise<void> {
    return this.enqueue(async () => {
      this.budgetBytes = budgetBytes;
      await this.enforceBudget();
    });
  }

  /** Resolves when the background work queued so far is done (before a process exits). */
  settled(): Promise<void> {
    return this.work;
  }

  private async load(options: {
    chatId: string;
    sequence: StateSequence;
    key: string;
    prompt: readonly number[];
  }): Promise<RestoredState | null> {
    const { chatId, sequence, key, prompt } = options;
    const stem = stemFor(chatId);
    if (!this.index.has(stem)) return null;
    const record = await this.readRecord(stem);
    if (!record || record.chatId !== chatId) {
      await this.remove(stem);
      return null;
    }
    if (record.key !== key) return null;
    const common = commonPrefixLength(record.tokens, prompt);
    const speeds = this.speeds.current();
    if (!worthAFile({ tokens: common, bytes: record.bytes, speeds })) {
      // The chat changed near its start (an edit, another branch), or the prefix it still
      // shares evaluates faster than the file reads: nothing worth keeping.
      await this.remove(stem);
      return null;
    }
    const started = this.now();
    const statePath = join(this.dir, record.file);
    const found = await checksum(statePath).catch(() => null);
    if (!found || found.bytes !== record.bytes || found.crc !== record.crc32) {
      await this.remove(stem);
      return null;
    }
    const marker = join(this.dir, `${stem}.json.${process.pid}.loading`);
    await rename(this.recordPath(stem), marker);
    let loaded = false;
    try {
      await sequence.loadStateFromFile(statePath, { acceptRisk: true });
      loaded = sameTokens(sequence.contextTokens, record.tokens);
    } catch {
      loaded = false;
    }
    if (!loaded) {
      await sequence.clearHistory().catch(() => undefined);
      await rm(marker, { force: true });
      await this.remove(stem);
      return null;
    }
    await rename(marker, this.recordPath(stem));
    const restored = { tokens: common, ms: this.now() - started };
    this.speeds.noteRead(record.bytes, restored.ms);
    await this.touch(stem);
    this.lastRestore = { chatId, ...restored };
    return restored;
  }

  /**
   * Indexes the records on disk and deletes what is half-done: temporary files and loading
   * markers of processes that are gone (a marker means that process died loading that state,
   * which is then deleted rather than tried again), records that do not parse or whose state
   * file is missing or of another size, and state files no record names.
   */
  private async sweep(): Promise<void> {
    const names = await readdir(this.dir);
    for (const name of names) {
      const match = IN_PROGRESS.exec(name)?.groups;
      if (!match?.stem || !match.pid) continue;
      const pid = Number(match.pid);
      if (pid !== process.pid && isAlive(pid)) continue;
      if (match.kind === 'loading') {
        // The marker is the record of the state that was loading: that state goes too.
        const record = await readRecord(join(this.dir, name));
        if (record) await rm(join(this.dir, record.file), { force: true });
        await rm(this.recordPath(match.stem), { force: true });
      }
      await rm(join(this.dir, name), { force: true });
    }
    const referenced = new Set<string>();
    for (const name of names) {
      const stem = RECORD.exec(name)?.groups?.stem;
      if (!stem) continue;
      const record = await this.readRecord(stem);
      const state = record ? await stat(join(this.dir, record.file)).catch(() => null) : null;
      const usedAt = (await stat(this.recordPath(stem)).catch(() => null))?.mtimeMs;
      if (!record || stemFor(record.chatId) !== stem || state?.size !== record.bytes || !usedAt) {
        await rm(this.recordPath(stem), { force: true });
        continue;
      }
      referenced.add(record.file);
      this.index.set(stem, {
        chatId: record.chatId,
        key: record.key,
        tokensDigest: record.tokensDigest,
        file: record.file,
        bytes: record.bytes,
        usedAt,
      });
    }
    for (const name of names) {
      if (!STATE_FILE.test(name) || referenced.has(name)) continue;
      const modified = (await stat(join(this.dir, name)).catch(() => null))?.mtimeMs ?? 0;
      if (Date.now() - modified > ORPHAN_GRACE_MS) await rm(join(this.dir, name), { force: true });
    }
  }

  /** Deletes the least recently used states until the rest fit in the budget. */
  private async enforceBudget(): Promise<void> {
    const byAge = [...this.index.entries()].sort(([, a], [, b]) => a.usedAt - b.usedAt);
    let total = byAge.reduce((sum, [, entry]) => sum + entry.bytes, 0);
    for (const [stem, entry] of byAge) {
      if (total <= this.budgetBytes) break;
      await this.remove(stem);
      total -= entry.bytes;
    }
  }

  private readRecord(stem: string): Promise<StateRecord | null> {
    return readRecord(this.recordPath(stem));
  }

  private async remove(stem: string): Promise<void> {
    const entry = this.index.get(stem);
    this.index.delete(stem);
    await rm(this.recordPath(stem), { force: true });
    if (entry) await rm(join(this.dir, entry.file), { force: true });
  }

  private async touch(stem: string): Promise<void> {
    const entry = this.index.get(stem);
    if (!entry) return;
    const now = new Date();
    await utimes(this.recordPath(stem), now, now).catch(() => undefined);
    entry.usedAt = now.getTime();
  }

  private recordPath(stem: string): string {
    return join(this.dir, `${stem}.json`);
  }

  /** Runs `task` after the store's earlier work; a failure is the task's own to handle. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.work.then(task);
    this.work = run.catch(() => undefined);
    return run;
  }
}

/** The file name stem of a chat's state: chat ids are the app's, not necessarily file-safe. */
function stemFor(chatId: string): string {
  return createHash('sha256').update(chatId).digest('hex').slice(0, 32);
}

export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const length = Math.min(a.length, b.length);
  let i = 0;
  while (i < length && a[i] === b[i]) i++;
  return i;
}

function sameTokens(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && commonPrefixLength(a, b) === a.length;
}

/** A state's record, or null when it is missing, does not parse, or its tokens do not match. */
async function readRecord(path: string): Promise<StateRecord | null> {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    if (!parsed.success) return null;
    return parsed.data.tokensDigest === tokensDigest(parsed.data.tokens) ? parsed.data : null;
  } catch {
    return null;
  }
}

async function checksum(path: string): Promise<{ bytes: number; crc: number }> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(CHECKSUM_CHUNK_BYTES);
    let crc = 0;
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, bytes);
      if (bytesRead === 0) break;
      crc = crc32(buffer.subarray(0, bytesRead), crc);
      bytes += bytesRead;
    }
    return { bytes, crc };
  } finally {
    await handle.close();
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
