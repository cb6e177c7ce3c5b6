import type { Database } from 'better-sqlite3-multiple-ciphers';

/**
 * The on-disk schema, one numbered step at a time. A step is never edited once released: a
 * database at version N is brought to the latest version by running steps N+1.. in order, each in
 * its own transaction together with the `user_version` bump, so a crash mid-upgrade leaves the
 * file at a whole version.
 */
export type Migration = { version: number; name: string; up: (db: Database) => void };

const baseSchema: Migration = {
  version: 1,
  name: 'base schema: chats, messages, settings, change log',
  up: (db) => {
    db.exec(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE chats (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        model TEXT,
        preset TEXT,
        system_prompt TEXT,
        source TEXT NOT NULL CHECK (source IN ('chat', 'quick-ask')),
        pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
        archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_activity_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX chats_list ON chats (archived, pinned DESC, last_activity_at DESC);

      -- seq is the rowid: insertion order, which search uses as "newest first".
      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
        parent_id TEXT REFERENCES messages (id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
        content TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('streaming', 'done', 'interrupted', 'error')),
        model TEXT,
        error TEXT,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        time_to_first_token_ms REAL,
        tokens_per_second REAL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX messages_chat ON messages (chat_id, seq);
      CREATE INDEX messages_parent ON messages (parent_id);
      CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';

      -- Keeps chats.last_activity_at derived from the messages, on every replica alike.
      CREATE TRIGGER messages_touch_chat AFTER INSERT ON messages BEGIN
        UPDATE chats SET last_activity_at = max(last_activity_at, new.created_at)
        WHERE id = new.chat_id;
      END;

      -- The message a chat's view is on: local view state, not synced (decision 0103).
      CREATE TABLE branch_heads (
        chat_id TEXT PRIMARY KEY REFERENCES chats (id) ON DELETE CASCADE,
        message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE
      ) STRICT;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE changes (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('put', 'delete')),
        hlc TEXT NOT NULL,
        device_id TEXT NOT NULL,
        fields TEXT NOT NULL
      ) STRICT;
    `);
  },
};

const fullTextSearch: Migration = {
  version: 2,
  name: 'full-text search over message text',
  up: (db) => {
    // An external-content FTS5 table: the text lives once, in messages; the index follows it
    // through triggers, so no code path can forget to update it.
    db.exec(`
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        content,
        content = 'messages',
        content_rowid = 'seq',
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
      WHEN old.content IS NOT new.content BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.seq, old.content);
        INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
      END;
      INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
    `);
  },
};

const localModels: Migration = {
  version: 3,
  name: 'local model files and their metadata',
  up: (db) => {
    db.exec(`
      CREATE TABLE models (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        file_path TEXT,
        format TEXT NOT NULL CHECK (format IN ('gguf', 'onnx', 'other')),
        origin TEXT NOT NULL CHECK (origin IN ('catalog', 'import', 'discovered', 'remote')),
        catalog_id TEXT,
        size_bytes INTEGER,
        sha256 TEXT,
        quantization TEXT,
        context_length INTEGER,
        metadata TEXT NOT NULL DEFAULT '{}',
        added_at INTEGER NOT NULL,
        last_used_at INTEGER
      ) STRICT;
      CREATE UNIQUE INDEX models_file_path ON models (file_path) WHERE file_path IS NOT NULL;
    `);
  },
};

const prefixIndexes: Migration = {
  version: 4,
  name: 'prefix indexes for fast prefix search',
  up: (db) => {
    // Without a prefix index FTS5 answers `foo*` by merging the full doclists of every matching
    // term before it can return the first row: 17 ms for `func*` and 300 ms for `a*` at a
    // million messages. Indexing 2- to 4-character prefixes makes those lookups as cheap as a
    // plain term, for about three times the index size (decision 0104).
    db.exec(`
      DROP TABLE messages_fts;
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        content,
        content = 'messages',
        content_rowid = 'seq',
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3 4'
      );
      INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
    `);
  },
};

const embeddings: Migration = {
  version: 5,
  name: 'message embeddings for semantic search',
  up: (db) => {
    // Plain BLOBs of little-endian float32 (decision 0107): the source of truth from which the
    // in-memory index that answers every nearest-neighbour query is built (decision 0490).
    db.exec(`
      CREATE TABLE embeddings (
        message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        dims INTEGER NOT NULL CHECK (dims > 0),
        vector BLOB NOT NULL CHECK (length(vector) = dims * 4),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (model, message_id)
      ) STRICT;
      CREATE INDEX embeddings_message ON embeddings (message_id);
    `);
  },
};

const chatInSearchIndex: Migration = {
  version: 6,
  name: 'chat token in the search index',
  up: (db) => {
    // Search within one chat ANDs the query with the chat's token inside FTS5, which skips
    // through a common term's doclist to the chat's few rows; a join filter on chat_id instead
    // walks the whole doclist (455 ms for a common term at 1M messages, < 1 ms this way). The
    // token is the hex of the chat id: one token whatever characters the id has (decision 0104).
    db.exec(`
      ALTER TABLE messages ADD COLUMN chat_token TEXT GENERATED ALWAYS AS (hex(chat_id)) VIRTUAL;
      DROP TRIGGER messages_fts_insert;
      DROP TRIGGER messages_fts_delete;
      DROP TRIGGER messages_fts_update;
      DROP TABLE messages_fts;
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        content,
        chat_token,
        content = 'messages',
        content_rowid = 'seq',
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3 4'
      );
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, content, chat_token)
        VALUES (new.seq, new.content, new.chat_token);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content, chat_token)
        VALUES ('delete', old.seq, old.content, old.chat_token);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, chat_id ON messages
      WHEN old.content IS NOT new.content OR old.chat_id IS NOT new.chat_id BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content, chat_token)
        VALUES ('delete', old.seq, old.content, old.chat_token);
        INSERT INTO messages_fts (rowid, content, chat_token)
        VALUES (new.seq, new.content, new.chat_token);
      END;
      INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
    `);
  },
};

const largerIndexMerges: Migration = {
  version: 7,
  name: 'search index merges in larger, rarer steps',
  up: (db) => {
    // FTS5 merges index segments inside the commit that adds one once `automerge` segments
    // share a level (4 by default); that merge work is most of the slowest 1% of appends.
    // At 16, merges are rarer: append p99 went from 0.7-1.8 ms to 0.4-0.5 ms at 100k
    // messages, while search p50 rose from 0.17 to 0.24 ms (decision 0105).
    db.exec(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 16)`);
  },
};

const syncState: Migration = {
  version: 8,
  name: 'user presets, sync merge state, creation clock of messages, synced branch heads',
  up: (db) => {
    db.exec(`
      CREATE TABLE presets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        system_prompt TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- The HLC of the change that created a message. Siblings are ordered by it, so every
      -- replica shows the same "2 of 3" and follows the same newest reply (decision 0113);
      -- its node says which device created the message. NULL for messages older than the log.
      ALTER TABLE messages ADD COLUMN created_hlc TEXT;
      UPDATE messages SET created_hlc = first.hlc
      FROM (SELECT entity_id, hlc, min(seq) FROM changes WHERE entity = 'message' GROUP BY entity_id)
        AS first
      WHERE first.entity_id = messages.id;
      DROP INDEX messages_chat;
      CREATE INDEX messages_chat ON messages (chat_id, created_hlc);

      -- A synced head may name a message that has not arrived yet, so no foreign key on it;
      -- activeBranch falls back to the newest root until it does (decision 0113).
      CREATE TABLE branch_heads_v8 (
        chat_id TEXT PRIMARY KEY REFERENCES chats (id) ON DELETE CASCADE,
        message_id TEXT NOT NULL
      ) STRICT;
      INSERT INTO branch_heads_v8 (chat_id, message_id) SELECT chat_id, message_id FROM branch_heads;
      DROP TABLE branch_heads;
      ALTER TABLE branch_heads_v8 RENAME TO branch_heads;

      -- Per synced entity: the HLC of each field's last write (grouped by HLC), whether it was
      -- deleted, its chat (messages), and the fields of one that cannot be shown yet (decision 0112).
      CREATE TABLE sync_entities (
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        chat_id TEXT,
        clocks TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        pending TEXT,
        PRIMARY KEY (entity, entity_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX sync_entities_pending ON sync_entities (entity, chat_id) WHERE pending IS NOT NULL;

      -- Cursors and the account they belong to.
      CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      -- Remote changes that could not be opened or validated: kept, never applied half-way.
      CREATE TABLE sync_quarantine (
        change_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        device_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        detail TEXT NOT NULL,
        ciphertext TEXT NOT NULL,
        quarantined_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};

const stopReason: Migration = {
  version: 9,
  name: 'why an answer ended',
  up: (db) => {
    // NULL for answers older than this column, user messages and stopped answers; 'max-tokens'
    // marks an answer cut by the length limit, which the person can continue.
    db.exec(`ALTER TABLE messages ADD COLUMN stop_reason TEXT`);
  },
};

const presetAnswerLength: Migration = {
  version: 10,
  name: "a preset's own answer-length limit",
  up: (db) => {
    // NULL: the preset has no limit of its own and the maxAnswerTokens setting applies (0472).
    db.exec(`ALTER TABLE presets ADD COLUMN max_answer_tokens INTEGER`);
  },
};

const codeUndos: Migration = {
  version: 11,
  name: 'what a write of code into a file replaced, for its Undo',
  up: (db) => {
    // Local to this device and short-lived: emptied each time the store opens (the next app
    // start), never in the change log. `previous` is NULL when the write created the file;
    // `folder` is the workspace folder a `workspace` target's path is inside.
    db.exec(`
      CREATE TABLE code_undos (
        id TEXT PRIMARY KEY,
        target_kind TEXT NOT NULL CHECK (target_kind IN ('workspace', 'picked')),
        folder TEXT,
        path TEXT NOT NULL,
        previous TEXT,
        written_hash TEXT NOT NULL,
        kept_at INTEGER NOT NULL,
        CHECK ((target_kind = 'workspace') = (folder IS NOT NULL))
      ) STRICT;
    `);
  },
};

export const migrations: readonly Migration[] = [
  baseSchema,
  fullTextSearch,
  localModels,
  prefixIndexes,
  embeddings,
  chatInSearchIndex,
  largerIndexMerges,
  syncState,
  stopReason,
  presetAnswerLength,
  codeUndos,
];

export const SCHEMA_VERSION = migrations.length;
