import { type StoreContext, writeTransaction } from './context';
import { StoreError } from './errors';
import {
  type Chat,
  type CreateChatInput,
  type ListChatsInput,
  chatSchema,
  createChatInputSchema,
  listChatsInputSchema,
} from './schemas';

type ChatRow = {
  id: string;
  title: string;
  model: string | null;
  preset: string | null;
  system_prompt: string | null;
  source: 'chat' | 'quick-ask';
  pinned: number;
  archived: number;
  created_at: number;
  updated_at: number;
  last_activity_at: number;
};

function toChat(row: ChatRow): Chat {
  return {
    id: row.id,
    title: row.title,
    model: row.model,
    preset: row.preset,
    systemPrompt: row.system_prompt,
    source: row.source,
    pinned: row.pinned === 1,
    archived: row.archived === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastActivityAt: row.last_activity_at,
  };
}

/** The chat fields a caller may change after creation, mapped to their columns. */
const EDITABLE_COLUMNS = {
  title: 'title',
  model: 'model',
  preset: 'preset',
  systemPrompt: 'system_prompt',
  pinned: 'pinned',
  archived: 'archived',
} as const;
type EditableField = keyof typeof EDITABLE_COLUMNS;

export const chatEditSchema = chatSchema
  .pick({
    title: true,
    model: true,
    preset: true,
    systemPrompt: true,
    pinned: true,
    archived: true,
  })
  .partial()
  .strict();
export type ChatEdit = Partial<Pick<Chat, EditableField>>;

export type ChatRepository = ReturnType<typeof createChatRepository>;

export function createChatRepository(ctx: StoreContext) {
  const { db } = ctx;
  const selectOne = db.prepare<[string], ChatRow>('SELECT * FROM chats WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO chats (id, title, model, preset, system_prompt, source, pinned, archived,
                        created_at, updated_at, last_activity_at)
     VALUES (@id, @title, @model, @preset, @systemPrompt, @source, 0, 0,
             @createdAt, @updatedAt, @lastActivityAt)`,
  );
  const remove = db.prepare<[string]>('DELETE FROM chats WHERE id = ?');

  function get(id: string): Chat | null {
    const row = selectOne.get(id);
    return row === undefined ? null : toChat(row);
  }

  function require(id: string): Chat {
    const chat = get(id);
    if (chat === null) throw new StoreError('not-found', `No chat ${id}.`, { entity: 'chat', id });
    return chat;
  }

  const create = writeTransaction(db, (input: CreateChatInput): Chat => {
    const parsed = createChatInputSchema.parse(input);
    const now = ctx.now();
    const chat: Chat = {
      id: parsed.id ?? ctx.newId(),
      title: parsed.title,
      model: parsed.model,
      preset: parsed.preset,
      systemPrompt: parsed.systemPrompt,
      source: parsed.source,
      pinned: false,
      archived: false,
      createdAt: now,
      updatedAt: now,
      lastActivityAt: now,
    };
    insert.run(chat);
    const { lastActivityAt: _derived, ...fields } = chat;
    ctx.recordChange({ entity: 'chat', entityId: chat.id, op: 'put', fields });
    return chat;
  });

  /** Writes the given fields and logs exactly those fields (plus updatedAt) as one change. */
  const update = writeTransaction(db, (id: string, input: ChatEdit): Chat => {
    const edit = chatEditSchema.parse(input);
    require(id);
    const fields: Record<string, unknown> = { ...edit, updatedAt: ctx.now() };
    const assignments = Object.keys(edit)
      .map((field) => `${EDITABLE_COLUMNS[field as EditableField]} = @${field}`)
      .concat('updated_at = @updatedAt')
      .join(', ');
    const values: Record<string, unknown> = { ...fields, id };
    for (const flag of ['pinned', 'archived'] as const) {
      if (typeof values[flag] === 'boolean') values[flag] = values[flag] ? 1 : 0;
    }
    db.prepare(`UPDATE chats SET ${assignments} WHERE id = @id`).run(values);
    ctx.recordChange({ entity: 'chat', entityId: id, op: 'put', fields });
    return require(id);
  });

  const deleteChat = writeTransaction(db, (id: string): void => {
    require(id);
    // Messages go with their chat (ON DELETE CASCADE); one tombstone for the chat says so.
    remove.run(id);
    ctx.recordChange({ entity: 'chat', entityId: id, op: 'delete', fields: {} });
  });

  return {
    create,
    get,
    /** Pinned chats first, then the most recently active; archived ones only when asked. */
    list(input: ListChatsInput = {}): Chat[] {
      const options = listChatsInputSchema.parse(input);
      const rows = db
        .prepare<unknown[], ChatRow>(
          `SELECT * FROM chats
           WHERE (@includeArchived = 1 OR archived = 0)
             AND (@source IS NULL OR source = @source)
           ORDER BY pinned DESC, last_activity_at DESC, rowid DESC
           LIMIT @limit`,
        )
        .all({
          includeArchived: options.includeArchived ? 1 : 0,
          source: options.source ?? null,
          limit: options.limit ?? -1,
        });
      return rows.map(toChat);
    },
    rename: (id: string, title: string): Chat => update(id, { title }),
    setPinned: (id: string, pinned: boolean): Chat => update(id, { pinned }),
    setArchived: (id: string, archived: boolean): Chat => update(id, { archived }),
    setModel: (id: string, model: string | null): Chat => update(id, { model }),
    setPreset: (id: string, preset: string | null): Chat => update(id, { preset }),
    setSystemPrompt: (id: string, systemPrompt: string | null): Chat =>
      update(id, { systemPrompt }),
    /** Several fields in one change, e.g. a settings dialog saving title and preset together. */
    update: (id: string, edit: ChatEdit): Chat => update(id, edit),
    delete: deleteChat,
  };
}
