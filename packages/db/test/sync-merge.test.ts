import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Change,
  type RemoteChange,
  type Store,
  formatHlc,
  remoteChangeSchema,
} from '../src/index';
import { openTestStore, sequentialIds, steppingClock } from './helpers';

/** A local change as another device receives it (the sync engine's job, done by hand here). */
function toRemote(change: Change): RemoteChange {
  const { seq: _seq, fields, ...rest } = change;
  const { id: _id, ...written } = fields;
  return remoteChangeSchema.parse({ ...rest, fields: written });
}

function localChanges(store: Store, after = 0): RemoteChange[] {
  return store.changes
    .since(after, 100_000)
    .changes.filter((change) => change.entity !== 'model')
    .map(toRemote);
}

/** What a person could see: every row of the synced tables, without local bookkeeping. */
function visibleState(store: Store) {
  const all = (sql: string) => store.db.prepare(sql).all();
  return {
    chats: all('SELECT * FROM chats ORDER BY id'),
    messages: all(
      'SELECT id, chat_id, parent_id, role, content, status, model, error, prompt_tokens, completion_tokens, time_to_first_token_ms, tokens_per_second, created_at, updated_at, created_hlc FROM messages ORDER BY id',
    ),
    heads: all('SELECT * FROM branch_heads ORDER BY chat_id'),
    presets: all('SELECT * FROM presets ORDER BY id'),
    settings: all('SELECT key, value FROM settings ORDER BY key'),
  };
}

function openDevice(deviceId: string, start = Date.UTC(2026, 0, 1)): Store {
  return openTestStore({
    deviceId,
    now: steppingClock(start),
    newId: sequentialIds(deviceId),
  });
}

function hlc(millis: number, counter: number, node: string): string {
  return formatHlc({ millis, counter, node });
}

describe('store.sync.applyRemote', () => {
  it('makes a second device show what the first one wrote, writing nothing to its own log', () => {
    const a = openDevice('device-a');
    const b = openDevice('device-b');
    const chat = a.chats.create({ title: 'Linked lists', preset: 'explain' });
    const question = a.messages.append({ chatId: chat.id, role: 'user', content: 'How?' });
    const writer = a.messages.startStreaming({ chatId: chat.id });
    writer.append('Walk it once.');
    writer.finish({ completionTokens: 4 });
    a.chats.setPinned(chat.id, true);
    a.presets.create({
      id: 'terse',
      name: 'Terse',
      systemPrompt: 'Be brief.',
      maxAnswerTokens: 512,
    });
    a.settings.set('theme', 'dark');

    const report = b.sync.applyRemote({ changes: localChanges(a), pullCursor: 9 });

    expect(visibleState(b)).toEqual(visibleState(a));
    expect(b.messages.activeBranch(chat.id).map((m) => m.id)).toEqual([
      question.id,
      writer.messageId,
    ]);
    expect(b.changes.latestCursor()).toBe(0);
    expect(b.sync.cursors().pullCursor).toBe(9);
    expect(b.presets.get('terse')?.maxAnswerTokens).toBe(512);
    expect(report).toMatchObject({ presets: true });
    expect([...report.chatIds]).toEqual([chat.id]);
    expect([...report.settingKeys]).toEqual(['theme']);
    a.close();
    b.close();
  });

  it('keeps the later write of each field, and merges edits of different fields', () => {
    const a = openDevice('device-a');
    const b = openDevice('device-b', Date.UTC(2026, 0, 1) + 10_000);
    const chat = a.chats.create({ title: 'Start' });
    b.sync.applyRemote({ changes: localChanges(a) });
    const synced = a.changes.latestCursor();
    a.chats.rename(chat.id, 'A renamed it');
    a.chats.setArchived(chat.id, true);
    b.chats.rename(chat.id, 'B renamed it later');
    b.chats.setPinned(chat.id, true);

    b.sync.applyRemote({ changes: localChanges(a, synced) });
    a.sync.applyRemote({ changes: localChanges(b) });

    for (const store of [a, b]) {
      expect(store.chats.get(chat.id)).toMatchObject({
        title: 'B renamed it later',
        pinned: true,
        archived: true,
      });
    }
    expect(visibleState(a)).toEqual(visibleState(b));
    a.close();
    b.close();
  });

  it('breaks a tie of time and counter by device id', () => {
    const store = openDevice('device-c');
    const base = {
      entity: 'setting' as const,
      entityId: 'theme' as const,
      op: 'put' as const,
    };
    const fromA = { ...base, id: 'x1', deviceId: 'device-a', hlc: hlc(5000, 3, 'device-a') };
    const fromB = { ...base, id: 'x2', deviceId: 'device-b', hlc: hlc(5000, 3, 'device-b') };
    store.sync.applyRemote({ changes: [{ ...fromB, fields: { value: 'dark' } }] });
    store.sync.applyRemote({ changes: [{ ...fromA, fields: { value: 'light' } }] });
    expect(store.settings.get('theme')).toBe('dark');
    store.close();
  });

  it('keeps a deleted chat deleted, with its messages, whatever arrives after', () => {
    const a = openDevice('device-a');
    const b = openDevice('device-b', Date.UTC(2026, 0, 2));
    const chat = a.chats.create({ title: 'Doomed' });
    a.messages.append({ chatId: chat.id, role: 'user', content: 'first' });
    b.sync.applyRemote({ changes: localChanges(a) });
    const synced = b.changes.latestCursor();
    b.chats.rename(chat.id, 'Renamed on B, a day later');
    b.messages.append({ chatId: chat.id, role: 'user', content: 'reply on B' });
    a.chats.delete(chat.id);

    const fromB = localChanges(b, synced);
    const report = a.sync.applyRemote({ changes: fromB });
    b.sync.applyRemote({ changes: localChanges(a).slice(-1) });

    expect(report.applied).toBe(0);
    for (const store of [a, b]) {
      expect(store.chats.get(chat.id)).toBeNull();
      expect(store.db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 0 });
    }
    a.close();
    b.close();
  });

  it('holds a message until its chat and parent arrive, then shows it', () => {
    const a = openDevice('device-a');
    const b = openDevice('device-b');
    const chat = a.chats.create({ title: 'Out of order' });
    const question = a.messages.append({ chatId: chat.id, role: 'user', content: 'q' });
    const answer = a.messages.append({ chatId: chat.id, role: 'assistant', content: 'a' });
    a.messages.switchBranch(question.id);
    a.chats.rename(chat.id, 'Renamed');
    const [createChat, createQuestion, createAnswer, switchHead, rename] = localChanges(a).map(
      (change) => [change],
    );

    b.sync.applyRemote({
      changes: [rename, createAnswer, switchHead].flatMap((page) => page ?? []),
    });
    expect(b.chats.get(chat.id)).toBeNull();
    expect(b.messages.get(answer.id)).toBeNull();
    b.sync.applyRemote({ changes: createChat ?? [] });
    expect(b.chats.get(chat.id)?.title).toBe('Renamed');
    expect(b.messages.get(answer.id)).toBeNull();
    b.sync.applyRemote({ changes: createQuestion ?? [] });

    expect(visibleState(b)).toEqual(visibleState(a));
    expect(b.messages.activeBranch(chat.id).map((m) => m.id)).toEqual([question.id, answer.id]);
    a.close();
    b.close();
  });

  it('orders siblings by creation clock, so both devices show the same branches', () => {
    const a = openDevice('device-a');
    const b = openDevice('device-b');
    const chat = a.chats.create({ title: 'Branches' });
    const question = a.messages.append({ chatId: chat.id, role: 'user', content: 'q' });
    b.sync.applyRemote({ changes: localChanges(a) });
    const syncedA = a.changes.latestCursor();
    const syncedB = b.changes.latestCursor();
    a.messages.append({ chatId: chat.id, parentId: question.id, role: 'assistant', content: '1' });
    b.messages.append({ chatId: chat.id, parentId: question.id, role: 'assistant', content: '2' });

    b.sync.applyRemote({ changes: localChanges(a, syncedA) });
    a.sync.applyRemote({ changes: localChanges(b, syncedB) });

    const view = (store: Store) =>
      store.messages.activeBranch(chat.id).map((m) => [m.content, m.siblingIndex, m.siblingCount]);
    expect(view(a)).toEqual(view(b));
    const answerId = a.messages.activeBranch(chat.id)[1]?.id ?? '';
    expect(a.messages.siblings(answerId)).toHaveLength(2);
    expect(a.messages.siblings(answerId)).toEqual(b.messages.siblings(answerId));
    expect(visibleState(a)).toEqual(visibleState(b));
    a.close();
    b.close();
  });

  it('moves this device clock past a remote change, so the next local edit wins', () => {
    const a = openDevice('device-a', Date.UTC(2026, 0, 1) + 60_000);
    const b = openDevice('device-b');
    const chat = a.chats.create({ title: 'From a faster clock' });
    b.sync.applyRemote({ changes: localChanges(a) });
    b.chats.rename(chat.id, 'B edits after seeing it');
    a.sync.applyRemote({ changes: localChanges(b) });
    expect(a.chats.get(chat.id)?.title).toBe('B edits after seeing it');
    a.close();
    b.close();
  });

  it('compares remote writes with local edits not yet merged, and keeps the later one', () => {
    const a = openDevice('device-a');
    const b = openDevice('device-b', Date.UTC(2026, 0, 1) + 60_000);
    const chat = a.chats.create({ title: 'Shared' });
    b.sync.applyRemote({ changes: localChanges(a) });
    const synced = a.changes.latestCursor();
    b.chats.rename(chat.id, 'B, later');
    a.chats.rename(chat.id, 'A, earlier');
    a.chats.setPinned(chat.id, true);
    a.sync.applyRemote({ changes: localChanges(b) });
    expect(a.chats.get(chat.id)).toMatchObject({ title: 'B, later', pinned: true });
    b.sync.applyRemote({ changes: localChanges(a, synced) });
    expect(visibleState(b)).toEqual(visibleState(a));
    a.close();
    b.close();
  });

  it('does not mark a message streaming on another device as interrupted', () => {
    const a = openDevice('device-a');
    const chat = a.chats.create({});
    const writer = a.messages.startStreaming({ chatId: chat.id });
    writer.append('still going');
    writer.flush();
    const b = openDevice('device-b');
    b.sync.applyRemote({ changes: localChanges(a) });
    expect(b.messages.markInterruptedOnOpen()).toBe(0);
    expect(a.messages.markInterruptedOnOpen()).toBe(1);
    a.close();
    b.close();
  });

  it('advances the cursor only with the merge: a failed page leaves both as they were', () => {
    const a = openDevice('device-a');
    const b = openDevice('device-b');
    a.chats.create({ title: 'one' });
    b.db.exec(
      "CREATE TEMP TRIGGER refuse_chats BEFORE INSERT ON chats BEGIN SELECT RAISE(ABORT, 'injected'); END",
    );
    expect(() => b.sync.applyRemote({ changes: localChanges(a), pullCursor: 1 })).toThrow(
      'injected',
    );
    expect(b.sync.cursors().pullCursor).toBe(0);
    expect(b.db.prepare('SELECT count(*) AS n FROM sync_entities').get()).toEqual({ n: 0 });
    a.close();
    b.close();
  });

  it('keeps quarantined changes until released, and starts over for another account', () => {
    const store = openDevice('device-b');
    const entry = {
      changeId: 'bad-1',
      seq: 4,
      deviceId: 'device-a',
      reason: 'decrypt-failure',
      detail: 'the ciphertext does not open with the data key',
      ciphertext: 'AQID',
      quarantinedAt: 1,
    };
    expect(store.sync.bindAccount('server|user-1')).toBe(true);
    store.sync.applyRemote({ changes: [], quarantine: [entry, entry], pullCursor: 4 });
    store.sync.markPushed(7);
    expect(store.sync.quarantined()).toEqual([entry]);
    expect(store.sync.bindAccount('server|user-1')).toBe(false);
    expect(store.sync.cursors()).toEqual({
      account: 'server|user-1',
      pullCursor: 4,
      pushCursor: 7,
    });
    store.sync.applyRemote({ changes: [], release: ['bad-1'] });
    expect(store.sync.quarantined()).toEqual([]);
    store.sync.applyRemote({ changes: [], quarantine: [entry] });
    expect(store.sync.bindAccount('server|user-2')).toBe(true);
    expect(store.sync.cursors()).toEqual({
      account: 'server|user-2',
      pullCursor: 0,
      pushCursor: 0,
    });
    expect(store.sync.quarantined()).toEqual([]);
    store.close();
  });
});

describe('remoteChangeSchema', () => {
  const change = {
    id: 'c1',
    entity: 'chat',
    entityId: 'chat-1',
    op: 'put',
    hlc: hlc(1000, 0, 'device-a'),
    deviceId: 'device-a',
    fields: { title: 'ok' },
  };

  it('accepts an edit and refuses what a table would refuse', () => {
    expect(remoteChangeSchema.safeParse(change).success).toBe(true);
    for (const fields of [{ title: 3 }, { pinned: 'yes' }, { unknown: 1 }, { source: 'chat' }]) {
      expect(remoteChangeSchema.safeParse({ ...change, fields }).success).toBe(false);
    }
    expect(remoteChangeSchema.safeParse({ ...change, hlc: hlc(1000, 0, 'device-b') }).success).toBe(
      false,
    );
    expect(remoteChangeSchema.safeParse({ ...change, hlc: 'yesterday' }).success).toBe(false);
    expect(
      remoteChangeSchema.safeParse({ ...change, entity: 'message', op: 'delete', fields: {} })
        .success,
    ).toBe(false);
  });

  it('checks a setting value against that setting', () => {
    const setting = { ...change, entity: 'setting', entityId: 'theme' };
    expect(remoteChangeSchema.safeParse({ ...setting, fields: { value: 'dark' } }).success).toBe(
      true,
    );
    expect(remoteChangeSchema.safeParse({ ...setting, fields: { value: 'pink' } }).success).toBe(
      false,
    );
    expect(remoteChangeSchema.safeParse({ ...setting, fields: {} }).success).toBe(false);
    expect(
      remoteChangeSchema.safeParse({ ...setting, entityId: 'nope', fields: { value: 1 } }).success,
    ).toBe(false);
  });
});

describe('merge order', () => {
  it('reaches the same state from any order and duplication of the same changes', () => {
    // Three devices edit shared chats concurrently; every permutation of their changes, with
    // repeats, must give the state that applying them in log order gives.
    const a = openDevice('device-a');
    const b = openDevice('device-b', Date.UTC(2026, 0, 1) + 3);
    const chat = a.chats.create({ title: 'Shared' });
    const root = a.messages.append({ chatId: chat.id, role: 'user', content: 'q' });
    b.sync.applyRemote({ changes: localChanges(a) });
    b.messages.append({ chatId: chat.id, parentId: root.id, role: 'assistant', content: 'b1' });
    b.chats.rename(chat.id, 'B');
    const other = b.chats.create({ title: 'Gone soon' });
    b.messages.append({ chatId: other.id, role: 'user', content: 'x' });
    a.messages.append({ chatId: chat.id, parentId: root.id, role: 'assistant', content: 'a1' });
    a.messages.switchBranch(root.id);
    a.chats.setPinned(chat.id, true);
    a.presets.create({ id: 'p', name: 'P', systemPrompt: 's' });
    a.presets.update('p', { name: 'P2' });
    a.presets.create({ id: 'q', name: 'Q', systemPrompt: 's', maxAnswerTokens: 256 });
    b.sync.applyRemote({ changes: localChanges(a) });
    b.chats.delete(other.id);
    b.presets.delete('p');
    // Both devices change the surviving preset's own limit: one of them wins everywhere.
    b.presets.update('q', { maxAnswerTokens: 4096 });
    a.presets.update('q', { maxAnswerTokens: null });
    b.settings.set('temperature', 0.9);
    a.settings.set('temperature', 0.3);
    const all = [...localChanges(a), ...localChanges(b)];

    const reference = openDevice('device-r');
    reference.sync.applyRemote({ changes: all });
    const expected = visibleState(reference);
    reference.close();

    // One replica, emptied before each run: opening a store per run would be most of the time.
    const replica = openDevice('device-r');
    const wipe = () =>
      replica.db.exec(
        'DELETE FROM chats; DELETE FROM presets; DELETE FROM settings; DELETE FROM sync_entities;',
      );
    fc.assert(
      fc.property(
        fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
        fc.array(fc.nat({ max: all.length - 1 }), { maxLength: 5 }),
        fc.integer({ min: 1, max: all.length }),
        (order, repeats, pageSize) => {
          wipe();
          const delivered = [...order];
          for (const index of repeats) delivered.splice(index, 0, ...order.slice(index, index + 1));
          for (let start = 0; start < delivered.length; start += pageSize) {
            replica.sync.applyRemote({ changes: delivered.slice(start, start + pageSize) });
          }
          expect(visibleState(replica)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
    replica.close();
    a.close();
    b.close();
  });
});

describe('merge in pages', () => {
  const WORDS = ['list', 'node', 'pointer', 'walk', 'stack', 'queue'];
  const words = fc
    .array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 })
    .map((chosen) => chosen.join(' '));
  /** Edits on one device, by index into what exists when the edit runs. */
  const operation = fc.oneof(
    fc.record({ kind: fc.constant('chat' as const) }),
    fc.record({
      kind: fc.constant('message' as const),
      chat: fc.nat(),
      parent: fc.option(fc.nat()),
      words,
    }),
    fc.record({ kind: fc.constant('stream' as const), chat: fc.nat(), steps: fc.array(words) }),
    fc.record({ kind: fc.constant('rename' as const), chat: fc.nat(), words }),
    fc.record({ kind: fc.constant('branch' as const), chat: fc.nat(), message: fc.nat() }),
    fc.record({ kind: fc.constant('delete' as const), chat: fc.nat() }),
  );
  type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

  function play(store: Store, operations: Operation[]): void {
    const pick = <T>(items: T[], index: number): T | undefined => items[index % items.length];
    for (const op of operations) {
      const chats = store.chats.list({ includeArchived: true });
      if (op.kind === 'chat') {
        store.chats.create({ title: 'new' });
        continue;
      }
      const chat = pick(chats, op.chat);
      if (chat === undefined) continue;
      const messages = store.messages.listByChat(chat.id);
      if (op.kind === 'message') {
        const parent = op.parent === null ? undefined : pick(messages, op.parent);
        store.messages.append({
          chatId: chat.id,
          parentId: parent?.id,
          role: 'user',
          content: op.words,
        });
      } else if (op.kind === 'stream') {
        const writer = store.messages.startStreaming({ chatId: chat.id });
        for (const step of op.steps) {
          writer.append(` ${step}`);
          writer.flush();
        }
        writer.finish({ completionTokens: op.steps.length });
      } else if (op.kind === 'rename') {
        store.chats.rename(chat.id, op.words);
      } else if (op.kind === 'branch') {
        const message = pick(messages, op.message);
        if (message !== undefined) store.messages.switchBranch(message.id);
      } else {
        store.chats.delete(chat.id);
      }
    }
  }

  /** Everything the merge writes, local bookkeeping and insertion order included. */
  function fullState(store: Store) {
    const all = (sql: string) => store.db.prepare(sql).all();
    // Throws when the search index does not match the messages it indexes.
    store.db.exec(`INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')`);
    return {
      chats: all('SELECT * FROM chats ORDER BY id'),
      messages: all('SELECT * FROM messages ORDER BY seq'),
      heads: all('SELECT * FROM branch_heads ORDER BY chat_id'),
      // Clocks are grouped by HLC in the order fields were merged; the order means nothing.
      entities: (
        all('SELECT * FROM sync_entities ORDER BY entity, entity_id') as { clocks: string }[]
      ).map((row) => ({
        ...row,
        clocks: Object.entries(JSON.parse(row.clocks) as Record<string, string[]>).map(
          ([hlc, fields]) => [hlc, fields.sort()],
        ),
      })),
      search: WORDS.map((word) =>
        all(`SELECT rowid FROM messages_fts WHERE messages_fts MATCH '${word}' ORDER BY rowid`),
      ),
    };
  }

  it('writes the same rows, search index and order whether a page holds one change or all', () => {
    // Stores opened once and emptied before each run: opening them per run would be most of it.
    const [a, b, whole, paged] = ['device-a', 'device-b', 'device-w', 'device-p'].map((device) =>
      openDevice(device),
    ) as [Store, Store, Store, Store];
    const wipe = (...stores: Store[]) => {
      for (const store of stores) {
        store.db.exec(`DELETE FROM chats; DELETE FROM changes; DELETE FROM sync_entities;
          DELETE FROM sync_state; DELETE FROM branch_heads;`);
      }
    };
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 30 }),
        fc.array(operation, { maxLength: 15 }),
        fc.integer({ min: 1, max: 8 }),
        (first, second, pageSize) => {
          wipe(a, b, whole, paged);
          play(a, first);
          b.sync.applyRemote({ changes: localChanges(a) });
          play(b, second);
          const changes = [...localChanges(a), ...localChanges(b)];
          whole.sync.applyRemote({ changes });
          for (let start = 0; start < changes.length; start += pageSize) {
            paged.sync.applyRemote({ changes: changes.slice(start, start + pageSize) });
          }
          expect(fullState(paged)).toEqual(fullState(whole));
          // One change per page: what the merge did before it wrote messages in batches.
          wipe(paged);
          for (const change of changes) paged.sync.applyRemote({ changes: [change] });
          expect(fullState(paged)).toEqual(fullState(whole));
        },
      ),
      { numRuns: 100 },
    );
    for (const store of [a, b, whole, paged]) store.close();
  });
});
