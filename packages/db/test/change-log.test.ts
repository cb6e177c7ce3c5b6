import { describe, expect, it } from 'vitest';
import type { Change, Store } from '../src/index';
import { openTestStore } from './helpers';

type Fixture = { chatId: string; messageId: string; streamingId: string };

type Case = {
  name: string;
  run: (store: Store, fixture: Fixture) => unknown;
  expected: (fixture: Fixture) => Pick<Change, 'entity' | 'entityId' | 'op'>;
};

const cases: Case[] = [
  {
    name: 'chats.create',
    run: (store) => store.chats.create({ id: 'new-chat', title: 'n' }),
    expected: () => ({ entity: 'chat', entityId: 'new-chat', op: 'put' }),
  },
  ...(
    ['rename', 'setPinned', 'setArchived', 'setModel', 'setPreset', 'setSystemPrompt'] as const
  ).map((method): Case => ({
    name: `chats.${method}`,
    run: (store, { chatId }) => {
      const value = method === 'setPinned' || method === 'setArchived' ? true : 'value';
      return (store.chats[method] as (id: string, value: unknown) => unknown)(chatId, value);
    },
    expected: ({ chatId }) => ({ entity: 'chat', entityId: chatId, op: 'put' }),
  })),
  {
    name: 'chats.update',
    run: (store, { chatId }) => store.chats.update(chatId, { title: 't', preset: 'fix' }),
    expected: ({ chatId }) => ({ entity: 'chat', entityId: chatId, op: 'put' }),
  },
  {
    name: 'chats.delete',
    run: (store, { chatId }) => store.chats.delete(chatId),
    expected: ({ chatId }) => ({ entity: 'chat', entityId: chatId, op: 'delete' }),
  },
  {
    name: 'messages.append',
    run: (store, { chatId }) =>
      store.messages.append({ id: 'new-message', chatId, role: 'user', content: 'hello' }),
    expected: () => ({ entity: 'message', entityId: 'new-message', op: 'put' }),
  },
  {
    name: 'messages.startStreaming',
    run: (store, { chatId }) => store.messages.startStreaming({ id: 'new-stream', chatId }),
    expected: () => ({ entity: 'message', entityId: 'new-stream', op: 'put' }),
  },
  {
    name: 'messages.updateStreaming',
    run: (store, { streamingId }) => store.messages.updateStreaming(streamingId, 'partial text'),
    expected: ({ streamingId }) => ({ entity: 'message', entityId: streamingId, op: 'put' }),
  },
  {
    name: 'messages.finishStreaming',
    run: (store, { streamingId }) =>
      store.messages.finishStreaming(streamingId, { content: 'final', completionTokens: 3 }),
    expected: ({ streamingId }) => ({ entity: 'message', entityId: streamingId, op: 'put' }),
  },
  {
    name: 'messages.failStreaming',
    run: (store, { streamingId }) => store.messages.failStreaming(streamingId, { error: 'oom' }),
    expected: ({ streamingId }) => ({ entity: 'message', entityId: streamingId, op: 'put' }),
  },
  {
    name: 'messages.markInterruptedOnOpen',
    run: (store) => store.messages.markInterruptedOnOpen(),
    expected: ({ streamingId }) => ({ entity: 'message', entityId: streamingId, op: 'put' }),
  },
  {
    name: 'messages.switchBranch',
    run: (store, { messageId }) => store.messages.switchBranch(messageId),
    expected: ({ chatId }) => ({ entity: 'chat', entityId: chatId, op: 'put' }),
  },
  {
    name: 'presets.create',
    run: (store) => store.presets.create({ id: 'new-preset', name: 'Mine', systemPrompt: 'Terse' }),
    expected: () => ({ entity: 'preset', entityId: 'new-preset', op: 'put' }),
  },
  {
    name: 'presets.update',
    run: (store) => store.presets.update('preset-a', { name: 'Renamed' }),
    expected: () => ({ entity: 'preset', entityId: 'preset-a', op: 'put' }),
  },
  {
    name: 'presets.delete',
    run: (store) => store.presets.delete('preset-a'),
    expected: () => ({ entity: 'preset', entityId: 'preset-a', op: 'delete' }),
  },
  {
    name: 'settings.set',
    run: (store) => store.settings.set('temperature', 0.7),
    expected: () => ({ entity: 'setting', entityId: 'temperature', op: 'put' }),
  },
  {
    name: 'models.put',
    run: (store) => store.models.put({ id: 'model-b', name: 'B' }),
    expected: () => ({ entity: 'model', entityId: 'model-b', op: 'put' }),
  },
  {
    name: 'models.markUsed',
    run: (store) => store.models.markUsed('model-a'),
    expected: () => ({ entity: 'model', entityId: 'model-a', op: 'put' }),
  },
  {
    name: 'models.remove',
    run: (store) => store.models.remove('model-a'),
    expected: () => ({ entity: 'model', entityId: 'model-a', op: 'delete' }),
  },
];

function setUp(): { store: Store; fixture: Fixture } {
  const store = openTestStore();
  const chat = store.chats.create({ title: 'fixture' });
  const message = store.messages.append({ chatId: chat.id, role: 'user', content: 'question' });
  const streaming = store.messages.startStreaming({ chatId: chat.id, content: 'so far' });
  store.models.put({ id: 'model-a', name: 'A', filePath: '/a.gguf' });
  store.presets.create({ id: 'preset-a', name: 'A', systemPrompt: 'prompt' });
  return {
    store,
    fixture: { chatId: chat.id, messageId: message.id, streamingId: streaming.messageId },
  };
}

/** Everything a mutation could touch, to prove a failed one left no trace. */
function dump(store: Store): unknown {
  return ['chats', 'messages', 'settings', 'models', 'presets', 'changes', 'branch_heads'].map(
    (table) => store.db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all(),
  );
}

describe('change log', () => {
  it.each(cases)('$name writes its row and exactly one change', ({ run, expected }) => {
    const { store, fixture } = setUp();
    const before = store.changes.latestCursor();
    run(store, fixture);
    const { changes } = store.changes.since(before);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ ...expected(fixture), deviceId: 'device-a' });
    store.close();
  });

  it.each(cases)('$name writes nothing when its change cannot be logged', ({ run }) => {
    const { store, fixture } = setUp();
    const before = dump(store);
    // Fails the change insert, which comes after the row write in the same transaction.
    store.db.exec(
      "CREATE TEMP TRIGGER refuse_changes BEFORE INSERT ON changes BEGIN SELECT RAISE(ABORT, 'injected'); END",
    );
    expect(() => run(store, fixture)).toThrow('injected');
    expect(dump(store)).toEqual(before);
    store.close();
  });

  it('writes no change for a mutation refused by validation', () => {
    const { store, fixture } = setUp();
    const before = dump(store);
    expect(() => store.messages.updateStreaming(fixture.messageId, 'x')).toThrow(
      expect.objectContaining({ code: 'not-streaming' }),
    );
    expect(() => store.settings.set('temperature', 9)).toThrow();
    expect(() => store.chats.delete('missing')).toThrow();
    expect(dump(store)).toEqual(before);
    store.close();
  });

  it('logs the written fields, stamps strictly increasing HLCs, and pages by cursor', () => {
    const { store, fixture } = setUp();
    const cursor = store.changes.latestCursor();
    store.chats.rename(fixture.chatId, 'Renamed');
    const [rename] = store.changes.since(cursor).changes;
    expect(Object.keys(rename?.fields ?? {}).sort()).toEqual(['title', 'updatedAt']);
    const all = store.changes.since(0, 1000).changes;
    const stamps = all.map((change) => change.hlc);
    expect([...stamps].sort()).toEqual(stamps);
    expect(new Set(stamps).size).toBe(stamps.length);
    const firstPage = store.changes.since(0, 2);
    expect(firstPage).toMatchObject({ cursor: 2, hasMore: true });
    expect(store.changes.since(firstPage.cursor, 1000).changes[0]?.seq).toBe(3);
    expect(store.changes.since(store.changes.latestCursor())).toEqual({
      changes: [],
      cursor: store.changes.latestCursor(),
      hasMore: false,
    });
    store.close();
  });

  it('logs a branch switch as the chat head, and nothing when the head stays', () => {
    const { store, fixture } = setUp();
    const before = store.changes.latestCursor();
    store.messages.switchBranch(fixture.messageId);
    expect(store.changes.since(before).changes.map((change) => change.fields)).toEqual([
      { headMessageId: fixture.messageId },
    ]);
    const after = store.changes.latestCursor();
    store.messages.switchBranch(fixture.messageId);
    expect(store.changes.latestCursor()).toBe(after);
    store.close();
  });

  it('counts the changes after a cursor, by entity when asked', () => {
    const { store } = setUp();
    expect(store.changes.countSince(0)).toBe(5);
    expect(store.changes.countSince(0, ['message', 'preset'])).toBe(3);
    expect(store.changes.countSince(store.changes.latestCursor())).toBe(0);
    store.close();
  });

  it('tells listeners once per transaction, after it committed', async () => {
    const { store, fixture } = setUp();
    const seen: number[] = [];
    const stop = store.changes.onRecorded(() => seen.push(store.changes.latestCursor()));
    store.chats.rename(fixture.chatId, 'one');
    store.chats.rename(fixture.chatId, 'two');
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual([store.changes.latestCursor()]);
    stop();
    store.chats.rename(fixture.chatId, 'three');
    await Promise.resolve();
    expect(seen).toHaveLength(1);
    store.close();
  });

  it('refuses to record a change outside a transaction', async () => {
    const { changeRecorder } = await import('../src/context');
    const { HybridLogicalClock } = await import('../src/hlc');
    const { store } = setUp();
    const record = changeRecorder(store.db, {
      clock: new HybridLogicalClock({ node: 'x', now: () => 0 }),
      deviceId: 'x',
    });
    expect(() => record({ entity: 'chat', entityId: 'x', op: 'delete', fields: {} })).toThrow(
      /inside the transaction/,
    );
    store.close();
  });
});
