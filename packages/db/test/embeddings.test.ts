import { describe, expect, it } from 'vitest';
import type { Store } from '../src/index';
import { openTestStore } from './helpers';

/** A tiny "embedding": direction encodes the topic, so nearest neighbours are known. */
const TOPICS = {
  rust: [1, 0, 0, 0],
  python: [0, 1, 0, 0],
  sql: [0, 0, 1, 0],
};

function seed(store: Store) {
  const chat = store.chats.create({ title: 'mixed' });
  const other = store.chats.create({ title: 'other' });
  const add = (chatId: string, content: string, vector: number[]) => {
    const message = store.messages.append({ chatId, parentId: null, role: 'user', content });
    store.embeddings.put({ messageId: message.id, model: 'tiny', vector });
    return message.id;
  };
  return {
    chat: chat.id,
    other: other.id,
    rust: add(chat.id, 'ownership and borrowing in rust', TOPICS.rust),
    rustish: add(chat.id, 'lifetimes explained', [0.9, 0.1, 0, 0]),
    python: add(chat.id, 'python list comprehension', TOPICS.python),
    sql: add(other.id, 'join two tables in sql', TOPICS.sql),
  };
}

describe('embeddings', () => {
  it('finds the nearest messages by cosine distance, per model and chat', () => {
    const store = openTestStore();
    const ids = seed(store);
    const nearest = store.embeddings.nearest([1, 0.05, 0, 0], { model: 'tiny', k: 2 });
    expect(nearest.map((hit) => hit.messageId)).toEqual([ids.rust, ids.rustish]);
    expect(nearest[0]?.distance).toBeCloseTo(0.00125, 3);
    expect(
      store.embeddings
        .nearest(TOPICS.sql, { model: 'tiny', chatId: ids.chat })
        .map((h) => h.messageId),
    ).not.toContain(ids.sql);
    expect(store.embeddings.nearest(TOPICS.sql, { model: 'other-model' })).toEqual([]);
    // A vector of other dimensions is never compared.
    expect(store.embeddings.nearest([1, 0, 0], { model: 'tiny' })).toEqual([]);
    store.close();
  });

  it('searches one chat exactly, with real distances, leaving other chats out', () => {
    const store = openTestStore();
    const ids = seed(store);
    const inChat = store.embeddings.nearest([0.1, 0, 1, 0], { model: 'tiny', chatId: ids.chat });
    expect(inChat.map((hit) => hit.messageId)).toEqual([ids.rust, ids.rustish, ids.python]);
    expect(inChat.every((hit) => hit.chatId === ids.chat)).toBe(true);
    expect(inChat[0]?.distance).toBeCloseTo(1 - 0.1 / Math.hypot(0.1, 1), 5);
    // Over all chats the sql message (other chat) is the nearest.
    expect(store.embeddings.nearest([0.1, 0, 1, 0], { model: 'tiny', k: 1 })[0]?.messageId).toBe(
      ids.sql,
    );
    expect(store.embeddings.nearest([1, 0, 0, 0], { model: 'tiny', chatId: 'nope' })).toEqual([]);
    store.close();
  });

  it('stores, replaces and removes vectors; lists messages still to embed', () => {
    const store = openTestStore();
    const ids = seed(store);
    expect(Array.from(store.embeddings.get(ids.rust, 'tiny') ?? [])).toEqual(TOPICS.rust);
    store.embeddings.put({
      messageId: ids.rust,
      model: 'tiny',
      vector: new Float32Array([0, 0, 0, 1]),
    });
    expect(Array.from(store.embeddings.get(ids.rust, 'tiny') ?? [])).toEqual([0, 0, 0, 1]);
    store.embeddings.remove(ids.rust, 'tiny');
    expect(store.embeddings.get(ids.rust, 'tiny')).toBeNull();
    expect(store.embeddings.missing('tiny').map((row) => row.messageId)).toEqual([ids.rust]);
    expect(store.embeddings.missing('new-model')).toHaveLength(4);
    expect(() => store.embeddings.put({ messageId: 'ghost', model: 'tiny', vector: [1] })).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
    expect(() => store.embeddings.put({ messageId: ids.sql, model: 'tiny', vector: [] })).toThrow();
    store.close();
  });

  it('keeps the in-memory index in step with puts, removals and deleted chats', () => {
    const store = openTestStore();
    const ids = seed(store);
    const nearestTo = (vector: number[]) =>
      store.embeddings.nearest(vector, { model: 'tiny', k: 1 }).map((hit) => hit.messageId);
    expect(nearestTo(TOPICS.sql)).toEqual([ids.sql]);
    store.embeddings.put({ messageId: ids.python, model: 'tiny', vector: [0, 0, 0, 1] });
    expect(nearestTo([0, 0, 0, 1])).toEqual([ids.python]);
    store.embeddings.remove(ids.python, 'tiny');
    expect(nearestTo([0, 0, 0, 1])).not.toContain(ids.python);
    store.chats.delete(ids.other);
    expect(
      store.embeddings.nearest(TOPICS.sql, { model: 'tiny' }).map((hit) => hit.messageId),
    ).not.toContain(ids.sql);
    store.close();
  });

  it('are derived data: no change is logged, and they go with their chat', () => {
    const store = openTestStore();
    const ids = seed(store);
    const before = store.changes.latestCursor();
    store.embeddings.put({ messageId: ids.sql, model: 'tiny', vector: [0, 0, 0.5, 0.5] });
    expect(store.changes.latestCursor()).toBe(before);
    store.chats.delete(ids.other);
    expect(store.embeddings.get(ids.sql, 'tiny')).toBeNull();
    store.close();
  });
});

describe('hybrid search', () => {
  it('ranks a message found by text and meaning above one found by either alone', () => {
    const store = openTestStore();
    const ids = seed(store);
    const hits = store.hybridSearch('rust', { vector: [0.9, 0.1, 0, 0], model: 'tiny' });
    expect(hits[0]).toMatchObject({ messageId: ids.rust, matchedBy: ['text', 'semantic'] });
    const semanticOnly = hits.find((hit) => hit.messageId === ids.rustish);
    expect(semanticOnly?.matchedBy).toEqual(['semantic']);
    expect(semanticOnly?.snippet).toEqual([{ text: 'lifetimes explained', highlight: false }]);
    expect(semanticOnly?.chatTitle).toBe('mixed');
    expect(hits.length).toBe(4);
    store.close();
  });

  it('is plain text search without a vector', () => {
    const store = openTestStore();
    const ids = seed(store);
    const hits = store.hybridSearch('sql tables', { limit: 5 });
    expect(hits.map((hit) => [hit.messageId, hit.matchedBy, hit.distance])).toEqual([
      [ids.sql, ['text'], null],
    ]);
    store.close();
  });
});
