import { type StoreContext, writeTransaction } from './context';
import { StoreError } from './errors';
import { StreamingWriter, type StreamingWriterOptions } from './streaming';
import {
  type AppendMessageInput,
  type BranchMessage,
  type FailStreamingInput,
  type GenerationStats,
  type Message,
  type StartStreamingInput,
  appendMessageInputSchema,
  failStreamingInputSchema,
  generationStatsSchema,
  startStreamingInputSchema,
} from './schemas';

type MessageRow = {
  seq: number;
  id: string;
  chat_id: string;
  parent_id: string | null;
  role: Message['role'];
  content: string;
  status: Message['status'];
  model: string | null;
  error: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  time_to_first_token_ms: number | null;
  tokens_per_second: number | null;
  stop_reason: Message['stopReason'];
  created_at: number;
  updated_at: number;
};

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    chatId: row.chat_id,
    parentId: row.parent_id,
    role: row.role,
    content: row.content,
    status: row.status,
    model: row.model,
    error: row.error,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    timeToFirstTokenMs: row.time_to_first_token_ms,
    tokensPerSecond: row.tokens_per_second,
    stopReason: row.stop_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Column for each message field that changes after creation. */
const MUTABLE_COLUMNS = {
  content: 'content',
  status: 'status',
  error: 'error',
  promptTokens: 'prompt_tokens',
  completionTokens: 'completion_tokens',
  timeToFirstTokenMs: 'time_to_first_token_ms',
  tokensPerSecond: 'tokens_per_second',
  stopReason: 'stop_reason',
} as const;
type MessageEdit = Partial<Pick<Message, keyof typeof MUTABLE_COLUMNS>>;

export type MessageRepository = ReturnType<typeof createMessageRepository>;

export function createMessageRepository(ctx: StoreContext) {
  const { db } = ctx;
  const selectOne = db.prepare<[string], MessageRow>('SELECT * FROM messages WHERE id = ?');
  // Creation HLC, not local insertion order: replicas insert synced messages in different
  // orders, and must still agree on which sibling is first and which reply is newest.
  const selectChat = db.prepare<[string], MessageRow>(
    'SELECT * FROM messages WHERE chat_id = ? ORDER BY created_hlc, seq',
  );
  const chatExists = db.prepare<[string], { id: string }>('SELECT id FROM chats WHERE id = ?');
  const chatOfMessage = db.prepare<[string], { chat_id: string }>(
    'SELECT chat_id FROM messages WHERE id = ?',
  );
  const selectHead = db.prepare<[string], { message_id: string }>(
    'SELECT message_id FROM branch_heads WHERE chat_id = ?',
  );
  const upsertHead = db.prepare<[string, string]>(
    `INSERT INTO branch_heads (chat_id, message_id) VALUES (?, ?)
     ON CONFLICT (chat_id) DO UPDATE SET message_id = excluded.message_id`,
  );
  const insert = db.prepare(
    `INSERT INTO messages (id, chat_id, parent_id, role, content, status, model, error,
       prompt_tokens, completion_tokens, time_to_first_token_ms, tokens_per_second,
       stop_reason, created_at, updated_at, created_hlc)
     VALUES (@id, @chatId, @parentId, @role, @content, @status, @model, @error,
       @promptTokens, @completionTokens, @timeToFirstTokenMs, @tokensPerSecond,
       @stopReason, @createdAt, @updatedAt, @createdHlc)`,
  );
  const updateStatements = new Map<string, ReturnType<typeof db.prepare>>();

  function get(id: string): Message | null {
    const row = selectOne.get(id);
    return row === undefined ? null : toMessage(row);
  }

  function require(id: string): Message {
    const message = get(id);
    if (message === null)
      throw new StoreError('not-found', `No message ${id}.`, { entity: 'message', id });
    return message;
  }

  /** The branch shown for a chat: from a root down through the head, then newest children. */
  function activeBranch(chatId: string): BranchMessage[] {
    const rows = selectChat.all(chatId);
    if (rows.length === 0) return [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    const children = new Map<string | null, MessageRow[]>();
    for (const row of rows) {
      const list = children.get(row.parent_id) ?? [];
      list.push(row);
      children.set(row.parent_id, list);
    }
    const headId = selectHead.get(chatId)?.message_id;
    const roots = children.get(null) ?? [];
    let head = (headId === undefined ? undefined : byId.get(headId)) ?? roots.at(-1);
    if (head === undefined) return [];
    const path: MessageRow[] = [];
    for (let row: MessageRow | undefined = head; row !== undefined;) {
      path.unshift(row);
      row = row.parent_id === null ? undefined : byId.get(row.parent_id);
    }
    // Below the head the view follows the newest reply at each level, so replies that arrive
    // later (typed here or synced from another device) extend the branch being looked at.
    for (let next = children.get(head.id)?.at(-1); next !== undefined;) {
      path.push(next);
      head = next;
      next = children.get(head.id)?.at(-1);
    }
    return path.map((row) => {
      const siblings = children.get(row.parent_id) ?? [row];
      return {
        ...toMessage(row),
        siblingIndex: siblings.indexOf(row),
        siblingCount: siblings.length,
      };
    });
  }

  const append = writeTransaction(db, (input: AppendMessageInput): Message => {
    const parsed = appendMessageInputSchema.parse(input);
    if (chatExists.get(parsed.chatId) === undefined) {
      throw new StoreError('not-found', `No chat ${parsed.chatId}.`, {
        entity: 'chat',
        id: parsed.chatId,
      });
    }
    const parentId =
      parsed.parentId === undefined
        ? (activeBranch(parsed.chatId).at(-1)?.id ?? null)
        : parsed.parentId;
    if (parentId !== null) {
      const parentChat = chatOfMessage.get(parentId)?.chat_id;
      if (parentChat === undefined) {
        throw new StoreError('not-found', `No message ${parentId}.`, {
          entity: 'message',
          id: parentId,
        });
      }
      if (parentChat !== parsed.chatId) {
        throw new StoreError(
          'invalid-input',
          `Message ${parentId} belongs to another chat than ${parsed.chatId}.`,
          { parentId },
        );
      }
    }
    const now = ctx.now();
    const message: Message = {
      id: parsed.id ?? ctx.newId(),
      chatId: parsed.chatId,
      parentId,
      role: parsed.role,
      content: parsed.content,
      status: parsed.status,
      model: parsed.model,
      error: parsed.error,
      promptTokens: parsed.promptTokens,
      completionTokens: parsed.completionTokens,
      timeToFirstTokenMs: parsed.timeToFirstTokenMs,
      tokensPerSecond: parsed.tokensPerSecond,
      stopReason: parsed.stopReason,
      createdAt: now,
      updatedAt: now,
    };
    const createdHlc = ctx.recordChange({
      entity: 'message',
      entityId: message.id,
      op: 'put',
      fields: message,
    });
    insert.run({ ...message, createdHlc });
    // The new message becomes what the chat shows. Its own change says so: every replica moves
    // the head to a new message at the message's HLC (decision 0113).
    upsertHead.run(message.chatId, message.id);
    return message;
  });

  /** Writes the given fields and logs exactly those fields (plus updatedAt) as one change. */
  const update = writeTransaction(db, (id: string, edit: MessageEdit): Message => {
    const fields: Record<string, unknown> = { ...edit, updatedAt: ctx.now() };
    const keys = Object.keys(edit) as (keyof MessageEdit)[];
    const sql = `UPDATE messages SET ${keys
      .map((key) => `${MUTABLE_COLUMNS[key]} = @${key}`)
      .concat('updated_at = @updatedAt')
      .join(', ')} WHERE id = @id`;
    let statement = updateStatements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      updateStatements.set(sql, statement);
    }
    statement.run({ ...fields, id });
    ctx.recordChange({ entity: 'message', entityId: id, op: 'put', fields });
    return require(id);
  });

  function requireStreaming(id: string): Message {
    const message = require(id);
    if (message.status !== 'streaming') {
      throw new StoreError('not-streaming', `Message ${id} is ${message.status}, not streaming.`, {
        id,
        status: message.status,
      });
    }
    return message;
  }

  const resume = writeTransaction(db, (id: string): Message => {
    const message = require(id);
    if (message.role !== 'assistant' || message.status === 'streaming') {
      throw new StoreError(
        'invalid-input',
        `Message ${id} is not a finished answer that can be continued.`,
        { id },
      );
    }
    return update(id, { status: 'streaming', error: null, stopReason: null });
  });

  const updateStreaming = writeTransaction(db, (id: string, content: string): Message => {
    requireStreaming(id);
    return update(id, { content });
  });

  const finishStreaming = writeTransaction(
    db,
    (id: string, final: { content?: string } & Partial<GenerationStats> = {}): Message => {
      const current = requireStreaming(id);
      const stats = generationStatsSchema.parse(final);
      return update(id, { content: final.content ?? current.content, status: 'done', ...stats });
    },
  );

  const failStreaming = writeTransaction(db, (id: string, input: FailStreamingInput): Message => {
    const current = requireStreaming(id);
    const { content, ...rest } = failStreamingInputSchema.parse(input);
    return update(id, { content: content ?? current.content, ...rest });
  });

  /**
   * Shows the branch through this message: it becomes the chat's head, and below it the view
   * follows the newest replies. The head syncs as the chat's `headMessageId` (decision 0113);
   * choosing the head it already has writes nothing.
   */
  const switchBranch = writeTransaction(db, (messageId: string): BranchMessage[] => {
    const message = require(messageId);
    if (selectHead.get(message.chatId)?.message_id !== message.id) {
      upsertHead.run(message.chatId, message.id);
      ctx.recordChange({
        entity: 'chat',
        entityId: message.chatId,
        op: 'put',
        fields: { headMessageId: message.id },
      });
    }
    return activeBranch(message.chatId);
  });

  /**
   * Marks messages left `streaming` by a process that died as `interrupted`, keeping their text.
   * Runs when the store opens, before anything else can write.
   */
  const markInterruptedOnOpen = writeTransaction(db, (): number => {
    // Only this device's own: a message streaming on another device is still being written
    // there, and that device marks it when it reopens. Older messages have no creation clock.
    // The node of an HLC starts after its 30-character time and counter.
    const ids = db
      .prepare<[string], { id: string }>(
        `SELECT id FROM messages WHERE status = 'streaming'
         AND (created_hlc IS NULL OR substr(created_hlc, 31) = ?)`,
      )
      .all(ctx.deviceId);
    for (const { id } of ids) update(id, { status: 'interrupted' });
    return ids.length;
  });

  return {
    append,
    get,
    /** Every message of a chat, all branches, oldest first. */
    listByChat: (chatId: string): Message[] => selectChat.all(chatId).map(toMessage),
    activeBranch,
    /** The messages sharing this one's parent (itself included), oldest first. */
    siblings(messageId: string): Message[] {
      const message = require(messageId);
      return db
        .prepare<[string, string | null], MessageRow>(
          'SELECT * FROM messages WHERE chat_id = ? AND parent_id IS ? ORDER BY created_hlc, seq',
        )
        .all(message.chatId, message.parentId)
        .map(toMessage);
    },
    switchBranch,
    /**
     * Creates an assistant message in `streaming` state and returns the writer that coalesces its
     * text updates; `writer.finish()` or `writer.fail()` ends it.
     */
    startStreaming(input: StartStreamingInput, options: StreamingWriterOptions = {}) {
      const parsed = startStreamingInputSchema.parse(input);
      const message = append({ ...parsed, role: 'assistant', status: 'streaming' });
      return new StreamingWriter({ updateStreaming, finishStreaming, failStreaming }, message, {
        now: ctx.now,
        ...options,
      });
    },
    /**
     * Reopens a finished assistant message to write more of it (an answer cut by the length limit
     * that the person continues): it streams again from its text, and its writer appends to it.
     */
    resumeStreaming(id: string, options: StreamingWriterOptions = {}) {
      const message = resume(id);
      return new StreamingWriter({ updateStreaming, finishStreaming, failStreaming }, message, {
        now: ctx.now,
        ...options,
      });
    },
    updateStreaming,
    finishStreaming,
    failStreaming,
    markInterruptedOnOpen,
  };
}
