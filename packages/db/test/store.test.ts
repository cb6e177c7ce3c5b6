import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../src/index';
import { SCHEMA_VERSION } from '../src/migrations';
import { openTestStore, tempDir } from './helpers';

describe('chats', () => {
  it('creates, reads, renames and deletes a chat', () => {
    const store = openTestStore();
    const chat = store.chats.create({ title: 'Borrow checker', source: 'quick-ask' });
    expect(store.chats.get(chat.id)).toEqual(chat);
    expect(chat).toMatchObject({ source: 'quick-ask', pinned: false, archived: false });
    const renamed = store.chats.rename(chat.id, 'Lifetimes');
    expect(renamed.title).toBe('Lifetimes');
    expect(renamed.updatedAt).toBeGreaterThan(chat.updatedAt);
    store.chats.delete(chat.id);
    expect(store.chats.get(chat.id)).toBeNull();
    store.close();
  });

  it('lists pinned chats first, then by newest activity, hiding archived ones', () => {
    const store = openTestStore();
    const old = store.chats.create({ title: 'old' });
    const pinned = store.chats.create({ title: 'pinned' });
    const recent = store.chats.create({ title: 'recent' });
    const archived = store.chats.create({ title: 'archived' });
    store.chats.setPinned(pinned.id, true);
    store.chats.setArchived(archived.id, true);
    // A new message makes the oldest chat the most recently active.
    store.messages.append({ chatId: old.id, role: 'user', content: 'bump' });
    expect(store.chats.list().map((chat) => chat.title)).toEqual(['pinned', 'old', 'recent']);
    expect(store.chats.list({ includeArchived: true }).map((chat) => chat.title)).toEqual([
      'pinned',
      'old',
      'archived',
      'recent',
    ]);
    expect(store.chats.list({ limit: 1 })).toHaveLength(1);
    expect(store.chats.list({ source: 'quick-ask' })).toEqual([]);
    expect(store.chats.get(recent.id)?.lastActivityAt).toBe(recent.createdAt);
    store.close();
  });

  it('sets model, preset and system prompt, together or apart', () => {
    const store = openTestStore();
    const chat = store.chats.create({});
    store.chats.setModel(chat.id, 'qwen2.5-coder-7b');
    store.chats.setPreset(chat.id, 'review');
    const updated = store.chats.setSystemPrompt(chat.id, 'Be brief.');
    expect(updated).toMatchObject({
      model: 'qwen2.5-coder-7b',
      preset: 'review',
      systemPrompt: 'Be brief.',
    });
    expect(store.chats.update(chat.id, { title: 'T', pinned: true })).toMatchObject({
      title: 'T',
      pinned: true,
    });
    store.close();
  });

  it('refuses to edit a missing chat or an unknown field', () => {
    const store = openTestStore();
    expect(() => store.chats.rename('nope', 'x')).toThrow(StoreError);
    const chat = store.chats.create({});
    expect(() => store.chats.update(chat.id, { secret: 1 } as never)).toThrow();
    store.close();
  });

  it('deletes the messages of a deleted chat', () => {
    const store = openTestStore();
    const chat = store.chats.create({});
    const message = store.messages.append({ chatId: chat.id, role: 'user', content: 'hi' });
    store.chats.delete(chat.id);
    expect(store.messages.get(message.id)).toBeNull();
    expect(store.search('hi')).toEqual([]);
    store.close();
  });
});

describe('messages and branches', () => {
  it('appends to the active branch by default', () => {
    const store = openTestStore();
    const chat = store.chats.create({});
    const question = store.messages.append({ chatId: chat.id, role: 'user', content: 'Q' });
    const answer = store.messages.append({ chatId: chat.id, role: 'assistant', content: 'A' });
    expect(answer.parentId).toBe(question.id);
    expect(store.messages.activeBranch(chat.id).map((m) => m.content)).toEqual(['Q', 'A']);
    expect(store.messages.listByChat(chat.id)).toHaveLength(2);
    store.close();
  });

  it('keeps a regeneration as a sibling branch and switches between branches', () => {
    const store = openTestStore();
    const chat = store.chats.create({});
    const q = store.messages.append({ chatId: chat.id, role: 'user', content: 'Q' });
    const a1 = store.messages.append({ chatId: chat.id, role: 'assistant', content: 'A1' });
    const followUp = store.messages.append({ chatId: chat.id, role: 'user', content: 'more' });
    const a2 = store.messages.append({
      chatId: chat.id,
      parentId: q.id,
      role: 'assistant',
      content: 'A2',
    });

    const branch = store.messages.activeBranch(chat.id);
    expect(branch.map((m) => m.content)).toEqual(['Q', 'A2']);
    expect(branch[1]).toMatchObject({ siblingIndex: 1, siblingCount: 2 });
    expect(store.messages.siblings(a2.id).map((m) => m.id)).toEqual([a1.id, a2.id]);

    // Switching back to A1 shows its whole sub-branch again.
    const switched = store.messages.switchBranch(a1.id);
    expect(switched.map((m) => m.id)).toEqual([q.id, a1.id, followUp.id]);
    expect(switched[1]).toMatchObject({ siblingIndex: 0, siblingCount: 2 });
    expect(store.messages.activeBranch(chat.id).map((m) => m.id)).toEqual(
      switched.map((m) => m.id),
    );
    store.close();
  });

  it('starts a new root when parentId is null (an edited first message)', () => {
    const store = openTestStore();
    const chat = store.chats.create({});
    const first = store.messages.append({ chatId: chat.id, role: 'user', content: 'v1' });
    const edited = store.messages.append({
      chatId: chat.id,
      parentId: null,
      role: 'user',
      content: 'v2',
    });
    expect(store.messages.siblings(edited.id).map((m) => m.id)).toEqual([first.id, edited.id]);
    expect(store.messages.activeBranch(chat.id).map((m) => m.content)).toEqual(['v2']);
    store.close();
  });

  it('refuses a parent from another chat and a missing chat', () => {
    const store = openTestStore();
    const a = store.chats.create({});
    const b = store.chats.create({});
    const inA = store.messages.append({ chatId: a.id, role: 'user', content: 'x' });
    expect(() =>
      store.messages.append({ chatId: b.id, parentId: inA.id, role: 'user', content: 'y' }),
    ).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => store.messages.append({ chatId: 'nope', role: 'user', content: 'y' })).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
    expect(store.messages.activeBranch('nope')).toEqual([]);
    store.close();
  });
});

describe('settings', () => {
  it('returns defaults, validates writes, and ignores stored values that no longer fit', () => {
    const store = openTestStore();
    expect(store.settings.get('theme')).toBe('system');
    expect(store.settings.set('theme', 'dark')).toBe('dark');
    expect(store.settings.get('theme')).toBe('dark');
    expect(() => store.settings.set('theme', 'purple' as never)).toThrow();
    expect(store.settings.get('theme')).toBe('dark');
    store.db.prepare("UPDATE settings SET value = '\"purple\"' WHERE key = 'theme'").run();
    expect(store.settings.get('theme')).toBe('system');
    store.db.prepare("UPDATE settings SET value = 'not json' WHERE key = 'theme'").run();
    expect(store.settings.getAll().theme).toBe('system');
    store.close();
  });
});

describe('models', () => {
  it('records model files, their use, and forgets them', () => {
    const store = openTestStore();
    store.models.put({ id: 'a', name: 'A', filePath: '/m/a.gguf', metadata: { arch: 'llama' } });
    store.models.put({ id: 'b', name: 'B', filePath: '/m/b.gguf', quantization: 'Q4_K_M' });
    store.models.markUsed('a');
    expect(store.models.list().map((m) => m.id)).toEqual(['a', 'b']);
    expect(store.models.getByPath('/m/a.gguf')?.metadata).toEqual({ arch: 'llama' });
    expect(store.models.getByPath('/m/none.gguf')).toBeNull();
    const renamed = store.models.put({ id: 'b', name: 'B2', filePath: '/m/b.gguf' });
    expect(renamed.name).toBe('B2');
    store.models.remove('a');
    expect(store.models.get('a')).toBeNull();
    expect(() => store.models.markUsed('a')).toThrow(StoreError);
    store.close();
  });
});

describe('store', () => {
  it('keeps its device id across opens and closes idempotently', async () => {
    const { openStore } = await import('../src/index');
    const { tempDir } = await import('./helpers');
    const file = `${tempDir()}/x.db`;
    const first = openStore({ path: file });
    const deviceId = first.deviceId;
    first.close();
    first.close();
    const second = openStore({ path: file });
    expect(second.deviceId).toBe(deviceId);
    expect(second.openReport).toMatchObject({ recovered: null, previousVersion: SCHEMA_VERSION });
    second.close();
  });
});

describe('checkpoints', () => {
  it.each([
    ['worker', { mode: 'worker', intervalMs: 60_000 }],
    ['inline', { mode: 'inline' }],
  ] as const)('copy the WAL into the database file (%s)', async (_name, checkpoint) => {
    const fs = await import('node:fs');
    const store = openTestStore({ checkpoint, key: 'k' });
    const chat = store.chats.create({});
    for (let index = 0; index < 50; index += 1) {
      store.messages.append({ chatId: chat.id, role: 'user', content: `m${index} `.repeat(100) });
    }
    const before = fs.statSync(store.path).size;
    await store.checkpoint();
    expect(fs.statSync(store.path).size).toBeGreaterThan(before);
    store.close();
  });
});

describe('background checkpoints', () => {
  it('run on their own interval and stop with the store', async () => {
    const fs = await import('node:fs');
    const store = openTestStore({ checkpoint: { mode: 'worker', intervalMs: 20 } });
    const chat = store.chats.create({});
    for (let index = 0; index < 50; index += 1) {
      store.messages.append({ chatId: chat.id, role: 'user', content: `m${index} `.repeat(100) });
    }
    const before = fs.statSync(store.path).size;
    await expect
      .poll(() => fs.statSync(store.path).size, { timeout: 20_000, interval: 20 })
      .toBeGreaterThan(before);
    store.close();
    // The worker's connection is closed too: the main close was the last and removed the WAL.
    expect(fs.existsSync(`${store.path}-wal`)).toBe(false);
  });
});

describe('append', () => {
  it('refuses a parent that does not exist', () => {
    const store = openTestStore();
    const chat = store.chats.create({});
    expect(() =>
      store.messages.append({ chatId: chat.id, parentId: 'ghost', role: 'user', content: 'x' }),
    ).toThrow(expect.objectContaining({ code: 'not-found' }));
    store.close();
  });
});

describe("the driver's compiled module", () => {
  it("is the one given, as Electron's main process gives its own build", async () => {
    const nodeBuild = join(
      dirname(
        createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers/package.json'),
      ),
      'build/Release/better_sqlite3.node',
    );
    const store = openTestStore({
      nativeBinding: nodeBuild,
      checkpoint: { mode: 'worker', intervalMs: 1 },
    });
    store.chats.create({ title: 'through the given build' });
    await store.checkpoint();
    store.close();
    expect(() => openTestStore({ nativeBinding: join(tempDir(), 'missing.node') })).toThrow(
      /missing\.node/,
    );
  });
});
