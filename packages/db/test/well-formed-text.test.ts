import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Store } from '../src/index';
import { openTestStore } from './helpers';

/** The fields of the one change logged after `cursor` for this entity. */
function loggedFields(store: Store, cursor: number, entityId: string): Record<string, unknown> {
  const changes = store.changes.since(cursor, 1000).changes.filter((c) => c.entityId === entityId);
  expect(changes).toHaveLength(1);
  return changes[0]?.fields ?? {};
}

// Any UTF-16 code unit (unpaired surrogates and NUL included) or any code point (surrogate pairs):
// fast-check's own 'binary' unit makes only well-formed text.
const anyText = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});

/**
 * Broke (issue 13, item 9): an unpaired surrogate was stored as U+FFFD by SQLite while `append`
 * returned the original and the change log (what sync sends) kept it, so the row and its change
 * disagreed. Now the store keeps well-formed text, and every view of a write is the same.
 */
describe('text the store keeps', () => {
  it('append returns what a read returns and what the change log holds, for any string', () => {
    const store = openTestStore();
    const chat = store.chats.create({});
    fc.assert(
      fc.property(anyText, (content) => {
        const cursor = store.changes.latestCursor();
        const appended = store.messages.append({ chatId: chat.id, role: 'user', content });
        const read = store.messages.get(appended.id);
        const logged = loggedFields(store, cursor, appended.id);
        expect(read?.content).toBe(appended.content);
        expect(logged.content).toBe(appended.content);
        expect(appended.content).toBe(content.toWellFormed());
      }),
      { numRuns: 200 },
    );
    store.close();
  });

  it('keeps titles, streamed answers, presets and settings the same way', () => {
    const store = openTestStore();
    const text = 'a\uD800b\uDC00c\uD83D\uDE00';
    const kept = 'a\uFFFDb\uFFFDc\uD83D\uDE00';

    let cursor = store.changes.latestCursor();
    const chat = store.chats.create({ title: text });
    expect(chat.title).toBe(kept);
    expect(store.chats.get(chat.id)?.title).toBe(kept);
    expect(loggedFields(store, cursor, chat.id).title).toBe(kept);

    const writer = store.messages.startStreaming({ chatId: chat.id });
    writer.append(text);
    cursor = store.changes.latestCursor();
    const finished = writer.finish();
    expect(finished.content).toBe(kept);
    expect(store.messages.get(finished.id)?.content).toBe(kept);
    expect(loggedFields(store, cursor, finished.id).content).toBe(kept);

    cursor = store.changes.latestCursor();
    const preset = store.presets.create({ name: text, systemPrompt: text });
    expect(preset).toMatchObject({ name: kept, systemPrompt: kept });
    expect(store.presets.get(preset.id)).toMatchObject({ name: kept, systemPrompt: kept });
    expect(loggedFields(store, cursor, preset.id)).toMatchObject({
      name: kept,
      systemPrompt: kept,
    });

    cursor = store.changes.latestCursor();
    store.settings.set('modelFolders', [text]);
    expect(store.settings.get('modelFolders')).toEqual([kept]);
    expect(loggedFields(store, cursor, 'modelFolders').value).toEqual([kept]);
    store.close();
  });
});
