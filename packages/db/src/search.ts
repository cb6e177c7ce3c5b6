import type { Database } from 'better-sqlite3-multiple-ciphers';
import {
  type SearchHit,
  type SearchOptions,
  type SnippetPart,
  searchOptionsSchema,
} from './schemas';

/** Longest query honoured, in terms; the rest of a pasted page adds nothing to ranking. */
const MAX_TERMS = 32;
/** Longest single term honoured, in characters. */
const MAX_TERM_LENGTH = 200;
const SNIPPET_TOKENS = 16;
// Markers that cannot come from the tokenizer's output of ordinary text; they are turned into
// structured parts, so user text is never parsed as markup.
const MARK_OPEN = '\u0002';
const MARK_CLOSE = '\u0003';

/** The tokenizer (unicode61) keeps letters, digits and private-use characters; the rest separates. */
const TOKEN_CHARACTER = /[\p{L}\p{N}\p{Co}]/u;

type Term = { text: string; prefix: boolean };

/** Splits user text into phrases (double-quoted) and words; a trailing `*` asks for a prefix. */
function parseTerms(query: string): Term[] {
  const terms: Term[] = [];
  const pattern = /"([^"]*)"(\*?)|(\S+)/gu;
  for (const match of query.matchAll(pattern)) {
    const [, phrase, phraseStar, word] = match;
    if (phrase !== undefined) {
      terms.push({ text: phrase, prefix: phraseStar === '*' });
    } else if (word !== undefined) {
      const prefix = word.length > 1 && word.endsWith('*');
      terms.push({ text: prefix ? word.replace(/\*+$/u, '') : word, prefix });
    }
  }
  return terms;
}

/**
 * Turns any user text into an FTS5 query that cannot be a syntax error: every word or phrase
 * becomes a quoted string (quotes doubled), so `AND(`, `NEAR`, `*`, `^` and column filters are
 * just text. Terms with no token characters (punctuation, emoji) would match nothing and are
 * dropped. Returns null when nothing searchable is left.
 */
export function toMatchExpression(query: string): string | null {
  // The FTS5 parser reads a NUL as the end of the query, which would leave a quote unterminated.
  const quoted = parseTerms(query.replaceAll('\0', ' '))
    .filter((term) => TOKEN_CHARACTER.test(term.text))
    .slice(0, MAX_TERMS)
    .map((term) => {
      const text = Array.from(term.text).slice(0, MAX_TERM_LENGTH).join('');
      return `"${text.replaceAll('"', '""')}"${term.prefix ? '*' : ''}`;
    });
  return quoted.length === 0 ? null : quoted.join(' ');
}

export function toSnippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let highlight = false;
  for (const piece of snippet.split(new RegExp(`([${MARK_OPEN}${MARK_CLOSE}])`, 'u'))) {
    if (piece === MARK_OPEN) highlight = true;
    else if (piece === MARK_CLOSE) highlight = false;
    else if (piece.length > 0) parts.push({ text: piece, highlight });
  }
  return parts;
}

type HitRow = {
  id: string;
  chat_id: string;
  title: string;
  role: SearchHit['role'];
  created_at: number;
  snippet: string;
};

export type Search = (query: string, options?: SearchOptions) => SearchHit[];

/**
 * Restricts the user's terms to the message text (so a query never matches a chat token) and,
 * for a search within one chat, ANDs the chat's token: FTS5 then skips through the term's
 * doclist to that chat's rows instead of walking all of it (decision 0104).
 */
function scopedMatch(match: string, chatId: string | undefined): string {
  const inText = `content : (${match})`;
  if (chatId === undefined) return inText;
  return `${inText} AND chat_token : "${Buffer.from(chatId, 'utf8').toString('hex')}"`;
}

/**
 * Full-text search, newest first. The FTS5 index is walked in descending rowid order (rowid is
 * insertion order) and stops at the limit, so a term found in a third of a million messages
 * costs the same as a rare one; snippets are made only for the rows returned (decision 0104).
 */
export function createSearch(db: Database): Search {
  const select = db.prepare<Record<string, unknown>, HitRow>(
    `SELECT m.id, m.chat_id, c.title, m.role, m.created_at,
              snippet(messages_fts, 0, '${MARK_OPEN}', '${MARK_CLOSE}', '…', ${SNIPPET_TOKENS}) AS snippet
       FROM messages_fts
       JOIN messages m ON m.seq = messages_fts.rowid
       JOIN chats c ON c.id = m.chat_id
       WHERE messages_fts MATCH @match
       ORDER BY messages_fts.rowid DESC
       LIMIT @limit`,
  );

  return (query, options = {}) => {
    const { chatId, limit } = searchOptionsSchema.parse(options);
    const match = toMatchExpression(query);
    if (match === null) return [];
    const rows = select.all({ match: scopedMatch(match, chatId), limit });
    return rows.map((row) => ({
      messageId: row.id,
      chatId: row.chat_id,
      chatTitle: row.title,
      role: row.role,
      createdAt: row.created_at,
      snippet: toSnippetParts(row.snippet),
    }));
  };
}
