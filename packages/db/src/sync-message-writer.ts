import type { Database, Statement } from 'better-sqlite3-multiple-ciphers';

/** A message row as the merge inserts it, keyed by the synced field names. */
export type MessageRow = {
  id: string;
  chatId: string;
  parentId: string | null;
  role: unknown;
  content: unknown;
  status: unknown;
  model: unknown;
  error: unknown;
  promptTokens: unknown;
  completionTokens: unknown;
  timeToFirstTokenMs: unknown;
  tokensPerSecond: unknown;
  stopReason: unknown;
  createdAt: unknown;
  updatedAt: unknown;
  createdHlc: string | null;
};

const COLUMNS = [
  ['id', 'id'],
  ['chatId', 'chat_id'],
  ['parentId', 'parent_id'],
  ['role', 'role'],
  ['content', 'content'],
  ['status', 'status'],
  ['model', 'model'],
  ['error', 'error'],
  ['promptTokens', 'prompt_tokens'],
  ['completionTokens', 'completion_tokens'],
  ['timeToFirstTokenMs', 'time_to_first_token_ms'],
  ['tokensPerSecond', 'tokens_per_second'],
  ['stopReason', 'stop_reason'],
  ['createdAt', 'created_at'],
  ['updatedAt', 'updated_at'],
  ['createdHlc', 'created_hlc'],
] as const satisfies readonly (readonly [keyof MessageRow, string])[];

/**
 * Most rows one statement inserts. Statements come in powers of two up to this, so a page of
 * 1,000 new messages takes 7 statements and at most 9 are ever prepared; 256 rows bind 4,096
 * values, far inside SQLite's limit of 32,766.
 */
const MAX_ROWS_PER_STATEMENT = 256;

/**
 * Inserts messages in order, many rows per statement. The triggers on `messages` (the search
 * index, the chat's last activity) run for every row as they do for one insert at a time, so
 * the tables end the same; what changes is that FTS5 flushes its pending terms once per
 * statement instead of once per message (decision 0502).
 */
export function createMessageWriter(db: Database): (rows: readonly MessageRow[]) => void {
  const statements = new Map<number, Statement>();
  const statementFor = (count: number): Statement => {
    let statement = statements.get(count);
    if (statement === undefined) {
      const tuple = `(${COLUMNS.map(() => '?').join(', ')})`;
      statement = db.prepare(
        `INSERT INTO messages (${COLUMNS.map(([, column]) => column).join(', ')})
         VALUES ${Array.from({ length: count }, () => tuple).join(', ')}`,
      );
      statements.set(count, statement);
    }
    return statement;
  };
  return (rows) => {
    let start = 0;
    while (start < rows.length) {
      let count = MAX_ROWS_PER_STATEMENT;
      while (count > rows.length - start) count /= 2;
      const values: unknown[] = [];
      for (const row of rows.slice(start, start + count)) {
        for (const [field] of COLUMNS) values.push(row[field]);
      }
      statementFor(count).run(values);
      start += count;
    }
  };
}
