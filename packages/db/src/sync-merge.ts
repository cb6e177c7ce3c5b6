import type { Database, Statement } from 'better-sqlite3-multiple-ciphers';
import type { Change } from './schemas';
import { type MessageRow, createMessageWriter } from './sync-message-writer';
import { CREATION_FIELDS, type RemoteChange, type SyncedEntity } from './sync-schemas';

/**
 * Last-writer-wins per entity field, ordered by HLC (whose text form ends in the device id, so
 * ties go by device), with permanent tombstones (decision 0112). The state of a replica is a
 * function of the set of changes it has seen: every field holds the value of its highest-HLC
 * write, a deleted chat or preset stays deleted, and a message lives while its chat does.
 *
 * Rows hold the values. `sync_entities` holds, per entity, the HLC of each field's last write,
 * the tombstone, and the fields of an entity that cannot be shown yet (a message whose chat or
 * parent has not arrived, an edit of something not yet created): such an entity waits there
 * and is inserted as soon as what it needs is there, whatever order the changes came in.
 */

type Values = Record<string, unknown>;

type EntityState = {
  entity: SyncedEntity;
  entityId: string;
  /** Messages: the chat they belong to, known from their create. */
  chatId: string | null;
  /** Field → HLC of its last write. */
  clocks: Map<string, string>;
  deleted: boolean;
  /** Fields of an entity that is not in its table yet. */
  pending: Values | null;
};

type StateRow = {
  chat_id: string | null;
  clocks: string;
  deleted: number;
  pending: string | null;
};

/** What a merge changed, for the app to refresh what it shows. */
export type MergeReport = {
  /** Remote changes that changed at least one field or row. */
  applied: number;
  /** Chats whose row, messages or head changed (deleted ones included). */
  chatIds: Set<string>;
  presets: boolean;
  settingKeys: Set<string>;
};

const CHAT_COLUMNS: Record<string, string> = {
  title: 'title',
  model: 'model',
  preset: 'preset',
  systemPrompt: 'system_prompt',
  source: 'source',
  pinned: 'pinned',
  archived: 'archived',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

const MESSAGE_COLUMNS: Record<string, string> = {
  chatId: 'chat_id',
  parentId: 'parent_id',
  role: 'role',
  content: 'content',
  status: 'status',
  model: 'model',
  error: 'error',
  promptTokens: 'prompt_tokens',
  completionTokens: 'completion_tokens',
  timeToFirstTokenMs: 'time_to_first_token_ms',
  tokensPerSecond: 'tokens_per_second',
  stopReason: 'stop_reason',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

const PRESET_COLUMNS: Record<string, string> = {
  name: 'name',
  systemPrompt: 'system_prompt',
  maxAnswerTokens: 'max_answer_tokens',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

const TABLES = {
  chat: { table: 'chats', key: 'id', columns: CHAT_COLUMNS },
  message: { table: 'messages', key: 'id', columns: MESSAGE_COLUMNS },
  preset: { table: 'presets', key: 'id', columns: PRESET_COLUMNS },
} as const;

/** Grouped by HLC, since most fields of an entity share the HLC of its create. */
function encodeClocks(clocks: Map<string, string>): string {
  const groups: Record<string, string[]> = {};
  for (const [field, hlc] of clocks) (groups[hlc] ??= []).push(field);
  return JSON.stringify(groups);
}

function decodeClocks(text: string): Map<string, string> {
  const clocks = new Map<string, string>();
  for (const [hlc, fields] of Object.entries(JSON.parse(text) as Record<string, string[]>)) {
    for (const field of fields) clocks.set(field, hlc);
  }
  return clocks;
}

function toColumnValue(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

export function createMerger(options: { db: Database; now: () => number }) {
  const { db, now } = options;
  const selectState = db.prepare<[string, string], StateRow>(
    'SELECT chat_id, clocks, deleted, pending FROM sync_entities WHERE entity = ? AND entity_id = ?',
  );
  const upsertState = db.prepare(
    `INSERT INTO sync_entities (entity, entity_id, chat_id, clocks, deleted, pending)
     VALUES (@entity, @entityId, @chatId, @clocks, @deleted, @pending)
     ON CONFLICT (entity, entity_id) DO UPDATE SET chat_id = excluded.chat_id,
       clocks = excluded.clocks, deleted = excluded.deleted, pending = excluded.pending`,
  );
  // Named, since SQLite's planner otherwise walks every message's row by the primary key's
  // prefix: a scan per merged message, quadratic over an initial sync.
  const pendingOfChat = db.prepare<[string], { entity_id: string }>(
    `SELECT entity_id FROM sync_entities INDEXED BY sync_entities_pending
     WHERE entity = 'message' AND chat_id = ? AND pending IS NOT NULL`,
  );
  const dropPendingOfChat = db.prepare<[string]>(
    `UPDATE sync_entities SET pending = NULL
     WHERE entity = 'message' AND chat_id = ? AND pending IS NOT NULL`,
  );
  const rowExists = {
    chat: db.prepare<[string], { id: string }>('SELECT id FROM chats WHERE id = ?'),
    message: db.prepare<[string], { id: string }>('SELECT id FROM messages WHERE id = ?'),
    preset: db.prepare<[string], { id: string }>('SELECT id FROM presets WHERE id = ?'),
  };
  const chatOfMessage = db.prepare<[string], { chat_id: string }>(
    'SELECT chat_id FROM messages WHERE id = ?',
  );
  const upsertHead = db.prepare<[string, string]>(
    `INSERT INTO branch_heads (chat_id, message_id) VALUES (?, ?)
     ON CONFLICT (chat_id) DO UPDATE SET message_id = excluded.message_id`,
  );
  const upsertSetting = db.prepare<[string, string, number]>(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const insertChat = db.prepare(
    `INSERT INTO chats (id, title, model, preset, system_prompt, source, pinned, archived,
       created_at, updated_at, last_activity_at)
     VALUES (@id, @title, @model, @preset, @systemPrompt, @source, @pinned, @archived,
       @createdAt, @updatedAt, @createdAt)`,
  );
  const insertMessages = createMessageWriter(db);
  const insertPreset = db.prepare(
    `INSERT INTO presets (id, name, system_prompt, max_answer_tokens, created_at, updated_at)
     VALUES (@id, @name, @systemPrompt, @maxAnswerTokens, @createdAt, @updatedAt)`,
  );
  const deleteRow = {
    chat: db.prepare<[string]>('DELETE FROM chats WHERE id = ?'),
    preset: db.prepare<[string]>('DELETE FROM presets WHERE id = ?'),
  };
  const updates = new Map<string, Statement>();

  /**
   * One merge (a page of changes) at a time: states are read once and written once, by `flush`
   * at the end. A page of a chat's messages moves the chat's head a thousand times; writing its
   * state each time was a third of the merge.
   */
  function batch(report: MergeReport) {
    const states = new Map<string, EntityState>();
    const dirty = new Set<EntityState>();
    /**
     * Messages waiting for their chat or parent, by chat. The `sync_entities_pending` index
     * holds those of earlier batches (read once per chat); this holds what this batch added,
     * which the table has not seen yet.
     */
    const waiting = new Map<string, Set<EntityState>>();
    const waitingRead = new Set<string>();
    /**
     * Messages this batch inserts, in order, not written yet: `writeMessages` writes them in a
     * few statements. The search index's trigger costs a flush of FTS5's pending terms per
     * statement, so a statement per message was most of an initial sync (decision 0502).
     * Everything that reads or changes a message row looks here first or writes them first.
     */
    const unwritten = new Map<string, MessageRow>();
    /**
     * Each new message moves its chat's head: the last head per chat is written once, by
     * `flush`, instead of a row update per message. Nothing in the merge reads the heads.
     */
    const heads = new Map<string, string>();

    function writeMessages(): void {
      insertMessages([...unwritten.values()]);
      unwritten.clear();
    }

    function load(entity: SyncedEntity, entityId: string): EntityState {
      const key = `${entity}\u0000${entityId}`;
      let state = states.get(key);
      if (state === undefined) {
        const row = selectState.get(entity, entityId);
        state = {
          entity,
          entityId,
          chatId: row?.chat_id ?? null,
          clocks: row === undefined ? new Map() : decodeClocks(row.clocks),
          deleted: row?.deleted === 1,
          pending: row?.pending == null ? null : (JSON.parse(row.pending) as Values),
        };
        states.set(key, state);
      }
      return state;
    }

    function chatDeleted(chatId: string): boolean {
      return load('chat', chatId).deleted;
    }

    function isMaterialized(state: EntityState): boolean {
      if (state.entity === 'setting') return true;
      if (state.entity === 'message' && unwritten.has(state.entityId)) return true;
      return rowExists[state.entity].get(state.entityId) !== undefined;
    }

    function updateRow(state: EntityState, values: Values): void {
      if (state.entity === 'setting') {
        upsertSetting.run(state.entityId, JSON.stringify(values.value), now());
        return;
      }
      const { table, key, columns } = TABLES[state.entity];
      const fields = Object.keys(values).filter((field) => Object.hasOwn(columns, field));
      if (fields.length === 0) return;
      const row = state.entity === 'message' ? unwritten.get(state.entityId) : undefined;
      if (row !== undefined) {
        // Not written yet: it is written with these values, as if updated after its insert.
        for (const field of fields) Object.assign(row, { [field]: toColumnValue(values[field]) });
        return;
      }
      const sql = `UPDATE ${table} SET ${fields
        .map((field) => `${columns[field]} = @${field}`)
        .join(', ')} WHERE ${key} = @__key`;
      let statement = updates.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        updates.set(sql, statement);
      }
      const params: Values = { __key: state.entityId };
      for (const field of fields) params[field] = toColumnValue(values[field]);
      statement.run(params);
    }

    /** Inserts an entity that has all it needs; false while something is missing. */
    function tryMaterialize(state: EntityState): boolean {
      const values = state.pending ?? {};
      const creation: readonly string[] = CREATION_FIELDS[state.entity];
      if (state.entity === 'setting' || creation.some((field) => !(field in values))) return false;
      if (state.entity === 'chat') {
        insertChat.run({
          id: state.entityId,
          title: values.title ?? '',
          model: values.model ?? null,
          preset: values.preset ?? null,
          systemPrompt: values.systemPrompt ?? null,
          source: values.source,
          pinned: toColumnValue(values.pinned ?? false),
          archived: toColumnValue(values.archived ?? false),
          createdAt: values.createdAt,
          updatedAt: values.updatedAt ?? values.createdAt,
        });
        if (typeof values.headMessageId === 'string') {
          heads.set(state.entityId, values.headMessageId);
        }
      } else if (state.entity === 'message') {
        const chatId = values.chatId as string;
        const parentId = values.parentId as string | null;
        if (rowExists.chat.get(chatId) === undefined) return false;
        if (parentId !== null) {
          const parentChat =
            unwritten.get(parentId)?.chatId ?? chatOfMessage.get(parentId)?.chat_id;
          if (parentChat !== chatId) return false;
        }
        unwritten.set(state.entityId, {
          id: state.entityId,
          chatId,
          parentId,
          role: values.role,
          content: values.content ?? '',
          status: values.status ?? 'done',
          model: values.model ?? null,
          error: values.error ?? null,
          promptTokens: values.promptTokens ?? null,
          completionTokens: values.completionTokens ?? null,
          timeToFirstTokenMs: values.timeToFirstTokenMs ?? null,
          tokensPerSecond: values.tokensPerSecond ?? null,
          stopReason: values.stopReason ?? null,
          createdAt: values.createdAt,
          updatedAt: values.updatedAt ?? values.createdAt,
          createdHlc: state.clocks.get('createdAt') ?? null,
        });
      } else {
        insertPreset.run({
          id: state.entityId,
          name: values.name ?? '',
          systemPrompt: values.systemPrompt ?? '',
          maxAnswerTokens: values.maxAnswerTokens ?? null,
          createdAt: values.createdAt,
          updatedAt: values.updatedAt ?? values.createdAt,
        });
      }
      state.pending = null;
      return true;
    }

    function waitingOf(chatId: string): Set<EntityState> {
      let set = waiting.get(chatId);
      if (set === undefined) {
        set = new Set();
        waiting.set(chatId, set);
      }
      if (!waitingRead.has(chatId)) {
        waitingRead.add(chatId);
        for (const { entity_id: messageId } of pendingOfChat.all(chatId)) {
          set.add(load('message', messageId));
        }
      }
      return set;
    }

    /** Inserts what was waiting for this chat or message, and what waited for those. */
    function materializeDependents(chatId: string): void {
      const candidates = waitingOf(chatId);
      let progress = true;
      while (progress) {
        progress = false;
        for (const state of candidates) {
          if (state.pending === null) {
            candidates.delete(state);
          } else if (tryMaterialize(state)) {
            candidates.delete(state);
            save(state);
            progress = true;
          }
        }
      }
    }

    function save(state: EntityState): void {
      dirty.add(state);
      if (state.entity === 'message' && state.chatId !== null && state.pending !== null) {
        waitingOf(state.chatId).add(state);
      }
    }

    /** Writes the states this batch changed; the caller's transaction commits them. */
    function flush(): void {
      writeMessages();
      for (const [chatId, messageId] of heads) upsertHead.run(chatId, messageId);
      heads.clear();
      for (const state of dirty) {
        upsertState.run({
          entity: state.entity,
          entityId: state.entityId,
          chatId: state.chatId,
          clocks: encodeClocks(state.clocks),
          deleted: state.deleted ? 1 : 0,
          pending: state.pending === null ? null : JSON.stringify(state.pending),
        });
      }
      dirty.clear();
    }

    function touch(state: EntityState): void {
      if (state.entity === 'chat') report.chatIds.add(state.entityId);
      else if (state.entity === 'message' && state.chatId !== null) {
        report.chatIds.add(state.chatId);
      } else if (state.entity === 'preset') report.presets = true;
      else if (state.entity === 'setting') report.settingKeys.add(state.entityId);
    }

    /**
     * Merges one change. `writeRows` is false for this device's own changes, whose rows the
     * repositories already wrote: only their clocks are recorded, so that a remote change
     * compares against them. Returns whether anything changed.
     */
    function merge(change: MergeableChange, writeRows: boolean): boolean {
      const state = load(change.entity, change.entityId);
      if (change.op === 'delete') {
        if (state.deleted) return false;
        state.deleted = true;
        state.pending = null;
        if (writeRows && (change.entity === 'chat' || change.entity === 'preset')) {
          // The chat's messages go with it, by the foreign key: those not written yet too.
          if (change.entity === 'chat') {
            writeMessages();
            heads.delete(change.entityId);
          }
          deleteRow[change.entity].run(change.entityId);
        }
        if (change.entity === 'chat') {
          // Messages waiting for this chat will never be shown.
          dropPendingOfChat.run(change.entityId);
          for (const other of states.values()) {
            if (other.entity === 'message' && other.chatId === change.entityId)
              other.pending = null;
          }
        }
        save(state);
        touch(state);
        return true;
      }
      if (state.deleted) return false;
      const creation: readonly string[] = CREATION_FIELDS[change.entity];
      const created = creation.length > 0 && state.clocks.has(creation[0] as string);
      const isCreate = creation.length > 0 && creation.every((field) => field in change.fields);
      if (change.entity === 'message') {
        if (state.chatId === null && isCreate) state.chatId = change.fields.chatId as string;
        if (state.chatId !== null && chatDeleted(state.chatId)) {
          // Remember the chat, so that later edits of this message are dropped at once.
          state.pending = null;
          save(state);
          return false;
        }
      }
      const winners: Values = {};
      for (const [field, value] of Object.entries(change.fields)) {
        if (field === 'id') continue;
        // Creation fields are written once: a second create of the same id changes nothing.
        if (creation.includes(field) && created) continue;
        if (change.hlc > (state.clocks.get(field) ?? '')) {
          winners[field] = value;
          state.clocks.set(field, change.hlc);
        }
      }
      const changed = Object.keys(winners).length > 0;
      if (changed && writeRows) {
        if (state.pending === null && isMaterialized(state)) {
          updateRow(state, winners);
          if (change.entity === 'chat' && typeof winners.headMessageId === 'string') {
            heads.set(change.entityId, winners.headMessageId);
          }
        } else {
          state.pending = { ...state.pending, ...winners };
          if (tryMaterialize(state) && change.entity === 'chat') {
            materializeDependents(change.entityId);
          }
        }
      }
      if (changed) {
        save(state);
        touch(state);
      }
      // A new message becomes what its chat shows, at the message's own HLC, on every replica.
      if (change.entity === 'message' && isCreate) {
        merge(
          {
            entity: 'chat',
            entityId: change.fields.chatId as string,
            op: 'put',
            hlc: change.hlc,
            fields: { headMessageId: change.entityId },
          },
          writeRows,
        );
        if (writeRows && state.pending === null && state.chatId !== null) {
          materializeDependents(state.chatId);
        }
      }
      return changed;
    }

    return { merge, flush };
  }

  return {
    /** Merges remote changes; returns what changed. Runs inside the caller's transaction. */
    mergeRemote(changes: readonly RemoteChange[], report: MergeReport): void {
      const { merge, flush } = batch(report);
      for (const change of changes) if (merge(change, true)) report.applied += 1;
      flush();
    },
    /** Records the clocks of this device's own changes (their rows are already written). */
    foldLocal(changes: readonly Change[]): void {
      const { merge, flush } = batch({
        applied: 0,
        chatIds: new Set(),
        presets: false,
        settingKeys: new Set(),
      });
      for (const change of changes) {
        if (change.entity === 'model') continue;
        merge(change as MergeableChange, false);
      }
      flush();
    },
  };
}

type MergeableChange = {
  entity: SyncedEntity;
  entityId: string;
  op: 'put' | 'delete';
  hlc: string;
  fields: Values;
};
