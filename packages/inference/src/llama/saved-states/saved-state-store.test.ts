import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commonPrefixLength, SavedStateStore } from './saved-state-store';
import type { StateSequence } from './saved-state-store';

/**
 * A sequence that saves its tokens as the "state" (padded to `padBytes`), and loads them back
 * the way node-llama-cpp does: the tokens it reports afterwards are the file's.
 */
class FakeSequence implements StateSequence {
  loads = 0;
  constructor(
    public contextTokens: number[] = [],
    private readonly padBytes = 1000,
  ) {}
  async saveStateToFile(path: string): Promise<void> {
    const body = Buffer.from(`${JSON.stringify(this.contextTokens)}\n`);
    await writeFile(
      path,
      Buffer.concat([body, Buffer.alloc(Math.max(0, this.padBytes - body.length), 32)]),
    );
  }
  async loadStateFromFile(path: string): Promise<void> {
    this.loads++;
    // Like a real state, whatever follows the header loads without complaint, damaged or not.
    const [header = '[]'] = (await readFile(path, 'utf8')).split('\n');
    this.contextTokens = JSON.parse(header) as number[];
  }
  clearHistory(): Promise<void> {
    this.contextTokens = [];
    return Promise.resolve();
  }
}

const tokens = (count: number, from = 1): number[] =>
  Array.from({ length: count }, (_, i) => from + i);
const stemOf = (chatId: string): string =>
  createHash('sha256').update(chatId).digest('hex').slice(0, 32);

describe('SavedStateStore', () => {
  let dir = '';
  const open = (budgetBytes = 1_000_000) =>
    SavedStateStore.open({ dir, budgetBytes, now: () => performance.now() });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'codeface-states-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('restores a saved state into a fresh sequence when key and prefix match', async () => {
    const store = await open();
    await store.save({ chatId: 'a', sequence: new FakeSequence(tokens(100)), key: 'k' });
    await store.settled();
    const fresh = new FakeSequence();
    const restored = await store.restore({
      chatId: 'a',
      sequence: fresh,
      key: 'k',
      prompt: [...tokens(100), 500, 501],
    });
    expect(restored?.tokens).toBe(100);
    expect(fresh.contextTokens).toEqual(tokens(100));
    expect(store.info()).toMatchObject({ chats: 1, lastRestore: { chatId: 'a', tokens: 100 } });
  });

  it('never loads a state saved under another key, and keeps it for that key', async () => {
    const store = await open();
    await store.save({ chatId: 'a', sequence: new FakeSequence(tokens(100)), key: 'model-1' });
    await store.settled();
    const fresh = new FakeSequence();
    expect(
      await store.restore({ chatId: 'a', sequence: fresh, key: 'model-2', prompt: tokens(120) }),
    ).toBeNull();
    expect(fresh.loads).toBe(0);
    expect(store.info().chats).toBe(1);
    expect(
      await store.restore({ chatId: 'a', sequence: fresh, key: 'model-1', prompt: tokens(120) }),
    ).toMatchObject({ tokens: 100 });
  });

  it('loads the common prefix of an edited chat, and deletes a state whose shared prefix evaluates faster than it reads', async () => {
    const store = await open();
    await store.save({ chatId: 'a', sequence: new FakeSequence(tokens(200)), key: 'k' });
    await store.settled();
    const edited = [...tokens(150), 9999, ...tokens(40, 151)];
    const partly = await store.restore({
      chatId: 'a',
      sequence: new FakeSequence(),
      key: 'k',
      prompt: edited,
    });
    expect(partly?.tokens).toBe(150);

    // A million tokens a second: three tokens evaluate faster than any file reads.
    store.notePrefill(10_000, 10);
    const fresh = new FakeSequence();
    const changedAtStart = [1, 2, 3, 4000, ...tokens(200, 5)];
    expect(
      await store.restore({ chatId: 'a', sequence: fresh, key: 'k', prompt: changedAtStart }),
    ).toBeNull();
    expect(fresh.loads).toBe(0);
    expect(store.info().chats).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('deletes a truncated or corrupted state file instead of loading it', async () => {
    const store = await open();
    await store.save({ chatId: 'cut', sequence: new FakeSequence(tokens(100)), key: 'k' });
    await store.save({ chatId: 'flipped', sequence: new FakeSequence(tokens(100)), key: 'k' });
    await store.settled();
    const files = (await readdir(dir)).filter((name) => name.endsWith('.kv'));
    const fileOf = (chatId: string) => files.find((name) => name.startsWith(stemOf(chatId)));
    await truncate(join(dir, fileOf('cut') ?? ''), 500);
    const flippedPath = join(dir, fileOf('flipped') ?? '');
    const bytes = await readFile(flippedPath);
    bytes[700] = (bytes[700] ?? 0) ^ 0xff;
    await writeFile(flippedPath, bytes);

    for (const chatId of ['cut', 'flipped']) {
      const fresh = new FakeSequence();
      expect(
        await store.restore({ chatId, sequence: fresh, key: 'k', prompt: tokens(100) }),
      ).toBeNull();
      expect(fresh.loads).toBe(0);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('deletes the least recently used states past the budget; a restore counts as a use', async () => {
    const store = await open(10_000);
    for (const chatId of ['old', 'middle', 'new']) {
      await store.save({ chatId, sequence: new FakeSequence(tokens(100), 1000), key: 'k' });
      await store.settled();
      // File times have a coarse grain on some file systems: keep the order unambiguous.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await store.restore({
      chatId: 'old',
      sequence: new FakeSequence(),
      key: 'k',
      prompt: tokens(100),
    });
    await store.setBudget(2_500);
    expect(store.info()).toMatchObject({ chats: 2, bytes: 2_000 });
    const left = new Set((await readdir(dir)).map((name) => name.slice(0, 32)));
    expect(left).toEqual(new Set([stemOf('old'), stemOf('new')]));

    // A state larger than the whole budget is not kept at all.
    await store.save({ chatId: 'huge', sequence: new FakeSequence(tokens(100), 5_000), key: 'k' });
    await store.settled();
    expect(store.info().chats).toBeLessThanOrEqual(2);
    expect(new Set((await readdir(dir)).map((name) => name.slice(0, 32))).has(stemOf('huge'))).toBe(
      false,
    );
  });

  it('forgets deleted chats, keeps only listed ones, and clears', async () => {
    const store = await open();
    for (const chatId of ['a', 'b', 'c', 'd']) {
      await store.save({ chatId, sequence: new FakeSequence(tokens(100)), key: 'k' });
    }
    await store.forget(['a']);
    expect(store.info().chats).toBe(3);
    await store.keepOnly(['b', 'c', 'gone']);
    expect(store.info().chats).toBe(2);
    await store.clear();
    expect(store.info()).toMatchObject({ chats: 0, bytes: 0 });
    expect(await readdir(dir)).toEqual([]);
  });

  it('saves no state that evaluates faster than it reads, and loads none', async () => {
    const store = await open();
    await store.save({ chatId: 'long', sequence: new FakeSequence(tokens(100)), key: 'k' });
    await store.settled();
    expect(store.info().chats).toBe(1);
    // This process turns out to evaluate a million tokens a second: 100 tokens take 0.1 ms.
    store.notePrefill(10_000, 10);
    await store.save({ chatId: 'short', sequence: new FakeSequence(tokens(100)), key: 'k' });
    await store.settled();
    expect(store.info().chats).toBe(1);
    // The saved one is not worth reading back any more either: it goes.
    const fresh = new FakeSequence();
    expect(
      await store.restore({ chatId: 'long', sequence: fresh, key: 'k', prompt: tokens(101) }),
    ).toBeNull();
    expect(fresh.loads).toBe(0);
    expect(store.info().chats).toBe(0);
  });

  it('on opening, deletes a state whose loading process died, and what crashed saves left', async () => {
    const first = await open();
    await first.save({ chatId: 'crashed', sequence: new FakeSequence(tokens(100)), key: 'k' });
    await first.save({ chatId: 'kept', sequence: new FakeSequence(tokens(100)), key: 'k' });
    await first.settled();
    // A process that died while loading left the record renamed to its marker.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const stem = stemOf('crashed');
    await rename(join(dir, `${stem}.json`), join(dir, `${stem}.json.${dead}.loading`));
    // One that died mid-save left a temporary file; an older crash left an unnamed state file.
    await writeFile(join(dir, `${stemOf('x')}.0000aaaa.kv.${dead}.tmp`), 'partial');
    const orphan = join(dir, `${stemOf('y')}.0000bbbb.kv`);
    await writeFile(orphan, 'orphan');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(orphan, old, old);

    const reopened = await open();
    expect(reopened.info().chats).toBe(1);
    const left = await readdir(dir);
    expect(left.every((name) => name.startsWith(stemOf('kept')))).toBe(true);
    expect(left).toHaveLength(2);
  });
});

describe('commonPrefixLength', () => {
  it('counts the leading tokens two lists share', () => {
    expect(commonPrefixLength([1, 2, 3], [1, 2, 4])).toBe(2);
    expect(commonPrefixLength([1, 2], [1, 2, 3])).toBe(2);
    expect(commonPrefixLength([], [1])).toBe(0);
  });
});
