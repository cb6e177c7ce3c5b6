import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Store } from './index';
import { searchHitSchema } from './schemas';
import { toMatchExpression, toSnippetParts } from './search';
import { openTestStore } from '../test/helpers';

describe('toMatchExpression', () => {
  it('quotes every word so FTS5 syntax is just text', () => {
    expect(toMatchExpression('foo AND( bar')).toBe('"foo" "AND(" "bar"');
    expect(toMatchExpression('NEAR(a b) col:x ^y')).toBe('"NEAR(a" "b)" "col:x" "^y"');
    expect(toMatchExpression('say "hi"there')).toBe('"say" "hi" "there"');
  });

  it('keeps quoted phrases and trailing-star prefixes', () => {
    expect(toMatchExpression('"linked list" rev*')).toBe('"linked list" "rev"*');
    expect(toMatchExpression('"pre fix"*')).toBe('"pre fix"*');
  });

  it('doubles quotes inside terms and drops terms with nothing to match', () => {
    expect(toMatchExpression('it"s')).toBe('"it""s"');
    expect(toMatchExpression('a""b')).toBe('"a""""b"');
    expect(toMatchExpression('a\u0000b')).toBe('"a" "b"');
    expect(toMatchExpression('🎉 *** "" " -- ok')).toBe('"ok"');
    expect(toMatchExpression('   ')).toBeNull();
    expect(toMatchExpression('"unclosed phrase')).toBe('"""unclosed" "phrase"');
  });

  it('caps very long queries', () => {
    const expression = toMatchExpression('word '.repeat(2_000)) ?? '';
    expect(expression.split(' ')).toHaveLength(32);
  });
});

describe('toSnippetParts', () => {
  it('turns markers into highlighted runs', () => {
    expect(toSnippetParts('a \u0002b\u0003 c')).toEqual([
      { text: 'a ', highlight: false },
      { text: 'b', highlight: true },
      { text: ' c', highlight: false },
    ]);
  });
});

describe('search', () => {
  let store: Store;
  let chatA: string;
  let chatB: string;

  beforeAll(() => {
    store = openTestStore();
    chatA = store.chats.create({ title: 'Rust' }).id;
    chatB = store.chats.create({ title: 'Python' }).id;
    const texts: [string, string][] = [
      [chatA, 'How do I write tests in Rust with cargo?'],
      [chatA, 'Run `cargo test`; unit tests live next to the code. 🦀'],
      [chatB, 'Use pytest: write test_* functions and run pytest -q.'],
      [chatB, 'Café crème: diacritics should not matter for search.'],
      [chatA, 'The borrow checker rejects two mutable references to one value.'],
    ];
    for (const [chatId, content] of texts) {
      store.messages.append({ chatId, role: 'user', content });
    }
  });

  afterAll(() => store.close());

  it('finds messages newest first with highlighted snippets and chat titles', () => {
    const hits = store.search('tests');
    expect(hits.map((hit) => hit.snippet.map((part) => part.text).join(''))).toEqual([
      'Run `cargo test`; unit tests live next to the code. 🦀',
      'How do I write tests in Rust with cargo?',
    ]);
    expect(hits[0]?.snippet.filter((part) => part.highlight)).toEqual([
      { text: 'tests', highlight: true },
    ]);
    expect(hits[0]).toMatchObject({ chatId: chatA, chatTitle: 'Rust', role: 'user' });
    for (const hit of hits) expect(searchHitSchema.parse(hit)).toEqual(hit);
  });

  it('filters by chat and limits the number of hits', () => {
    expect(store.search('write', { chatId: chatB }).map((hit) => hit.chatId)).toEqual([chatB]);
    expect(store.search('cargo', { limit: 1 })).toHaveLength(1);
    // The Python chat's messages sit between the Rust chat's first and last ones.
    expect(store.search('borrow', { chatId: chatB })).toEqual([]);
    expect(store.search('tests', { chatId: chatA })).toHaveLength(2);
    expect(store.search('tests', { chatId: 'no-such-chat' })).toEqual([]);
    // The chat token in the index is never matched by what the user types.
    expect(store.search(Buffer.from(chatA).toString('hex'))).toEqual([]);
    const odd = store.chats.create({ id: 'chat "odd" id 🎉 AND(', title: 'Odd' }).id;
    store.messages.append({ chatId: odd, role: 'user', content: 'zeppelin in an odd chat' });
    expect(store.search('zeppelin', { chatId: odd }).map((hit) => hit.chatTitle)).toEqual(['Odd']);
  });

  it('matches phrases, prefixes and text without its accents', () => {
    expect(store.search('"mutable references"')).toHaveLength(1);
    expect(store.search('"references mutable"')).toHaveLength(0);
    expect(store.search('borr*')).toHaveLength(1);
    expect(store.search('cafe creme')).toHaveLength(1);
  });

  it('treats query syntax as plain text', () => {
    expect(store.search('cargo AND(')).toHaveLength(0);
    expect(store.search('cargo)')).toHaveLength(2);
    expect(store.search('it"s')).toEqual([]);
    expect(store.search('*')).toEqual([]);
    expect(store.search('🦀')).toEqual([]);
  });

  it('follows edits of message text', () => {
    const writer = store.messages.startStreaming({ chatId: chatB, parentId: null });
    writer.append('zebra');
    writer.flush();
    expect(store.search('zebra')).toHaveLength(1);
    writer.append('fish');
    writer.finish();
    expect(store.search('zebra')).toHaveLength(0);
    expect(store.search('zebrafish')).toHaveLength(1);
  });

  it('never throws on any unicode text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (query) => {
        expect(Array.isArray(store.search(query))).toBe(true);
      }),
      { numRuns: 1_000 },
    );
    const syntax = fc.constantFrom(
      '"',
      '*',
      '(',
      ')',
      'AND',
      'OR',
      'NOT',
      'NEAR',
      ':',
      '^',
      '-',
      '+',
      ' ',
      '🎉',
      'tests',
      '\u0000',
    );
    fc.assert(
      fc.property(fc.array(syntax, { maxLength: 30 }), (parts) => {
        expect(Array.isArray(store.search(parts.join('')))).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  }, 60_000);

  it('answers a 10 KB query', () => {
    const huge = 'x'.repeat(5_000) + ' "quoted AND( ' + '🎉'.repeat(1_000) + ' tests*';
    expect(() => store.search(huge)).not.toThrow();
    expect(() => store.search('cargo '.repeat(2_000))).not.toThrow();
  });
});
