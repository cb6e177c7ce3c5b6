import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openStore, timeOrderedIds } from '../src/index';
import { tempDir } from './helpers';

const VERSION_7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const VERSION_4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The milliseconds a UUIDv7 carries in its first 48 bits. */
const millisOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('timeOrderedIds', () => {
  it('makes RFC 9562 version 7 UUIDs that carry the clock’s milliseconds', () => {
    const at = Date.UTC(2026, 11, 5, 4, 20);
    const id = timeOrderedIds(() => at)();
    expect(id).toMatch(VERSION_7);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(millisOf(id)).toBe(at);
  });

  it('only ever grows: within one millisecond, past 4,096 ids in it, and when the clock steps back', () => {
    let clock = Date.UTC(2026, 0, 1);
    const next = timeOrderedIds(() => clock);
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i += 1) ids.push(next());
    clock -= 60_000;
    for (let i = 0; i < 100; i += 1) ids.push(next());
    clock += 120_000;
    ids.push(next());
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // A full counter moves on to the next millisecond rather than wrapping.
    expect(millisOf(ids[9_999] ?? '')).toBeGreaterThan(Date.UTC(2026, 0, 1));
    expect(millisOf(ids.at(-1) ?? '')).toBe(clock);
  });

  it('differs between generators in the same millisecond', () => {
    const ids = Array.from({ length: 50 }, () => timeOrderedIds(() => 0)());
    expect(new Set(ids).size).toBe(50);
  });
});

describe('the store’s ids', () => {
  it('are time-ordered for what it creates, random for changes and the device (they travel in the clear)', () => {
    const store = openStore({ path: path.join(tempDir(), 'codeface.db') });
    try {
      const first = store.chats.create({ title: 'one' });
      const second = store.chats.create({ title: 'two' });
      const message = store.messages.append({ chatId: second.id, role: 'user', content: 'hi' });
      for (const id of [first.id, second.id, message.id]) expect(id).toMatch(VERSION_7);
      expect(second.id > first.id && message.id > second.id).toBe(true);
      const changes = store.changes.since(0, 10).changes;
      expect(changes).toHaveLength(3);
      for (const change of changes) expect(change.id).toMatch(VERSION_4);
      expect(store.deviceId).toMatch(VERSION_4);
    } finally {
      store.close();
    }
  });
});
