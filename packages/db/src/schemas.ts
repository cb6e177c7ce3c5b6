import { z } from 'zod';

/** Where a chat was started: the main window or the quick-ask popup. */
export const chatSourceSchema = z.enum(['chat', 'quick-ask']);

export const chatSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  model: z.string().nullable(),
  preset: z.string().nullable(),
  systemPrompt: z.string().nullable(),
  source: chatSourceSchema,
  pinned: z.boolean(),
  archived: z.boolean(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  /** Time of the newest message, or of creation when there is none; lists sort by it. */
  lastActivityAt: z.number().int(),
});
export type Chat = z.infer<typeof chatSchema>;

export const createChatInputSchema = z.object({
  id: z.string().min(1).optional(),
  title: z.string().default(''),
  model: z.string().nullable().default(null),
  preset: z.string().nullable().default(null),
  systemPrompt: z.string().nullable().default(null),
  source: chatSourceSchema.default('chat'),
});
export type CreateChatInput = z.input<typeof createChatInputSchema>;

export const listChatsInputSchema = z.object({
  includeArchived: z.boolean().default(false),
  source: chatSourceSchema.optional(),
  limit: z.number().int().positive().optional(),
});
export type ListChatsInput = z.input<typeof listChatsInputSchema>;

export const messageRoleSchema = z.enum(['system', 'user', 'assistant']);

export const messageStatusSchema = z.enum(['streaming', 'done', 'interrupted', 'error']);

/**
 * Why an answer ended: the model's end of turn, the answer-length limit (the person may continue
 * it), or a stop sequence. A stopped answer is `interrupted` and has none.
 */
export const stopReasonSchema = z.enum(['eos', 'max-tokens', 'stop-sequence']);

/** Generation figures recorded on an assistant message when it finishes. */
export const generationStatsSchema = z.object({
  promptTokens: z.number().int().nonnegative().nullable().default(null),
  completionTokens: z.number().int().nonnegative().nullable().default(null),
  timeToFirstTokenMs: z.number().nonnegative().nullable().default(null),
  tokensPerSecond: z.number().nonnegative().nullable().default(null),
  stopReason: stopReasonSchema.nullable().default(null),
});
export type GenerationStats = z.infer<typeof generationStatsSchema>;

export const messageSchema = z.object({
  id: z.string().min(1),
  chatId: z.string().min(1),
  /** The message this one answers or follows; null for the first message of a chat. */
  parentId: z.string().nullable(),
  role: messageRoleSchema,
  content: z.string(),
  status: messageStatusSchema,
  model: z.string().nullable(),
  error: z.string().nullable(),
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  timeToFirstTokenMs: z.number().nullable(),
  tokensPerSecond: z.number().nullable(),
  stopReason: stopReasonSchema.nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Message = z.infer<typeof messageSchema>;

export const appendMessageInputSchema = z
  .object({
    id: z.string().min(1).optional(),
    chatId: z.string().min(1),
    /**
     * Omitted: the message continues the chat's active branch. `null`: a new first message (a
     * sibling of the existing roots). A message id: a reply to that message, which makes a new
     * branch when the parent already has children (an edit or a regeneration).
     */
    parentId: z.string().min(1).nullable().optional(),
    role: messageRoleSchema,
    content: z.string(),
    status: messageStatusSchema.default('done'),
    model: z.string().nullable().default(null),
    error: z.string().nullable().default(null),
  })
  .extend(generationStatsSchema.shape);
export type AppendMessageInput = z.input<typeof appendMessageInputSchema>;

/** A message on the active branch, with its place among its siblings ("2 of 3"). */
export const branchMessageSchema = messageSchema.extend({
  siblingIndex: z.number().int().nonnegative(),
  siblingCount: z.number().int().positive(),
});
export type BranchMessage = z.infer<typeof branchMessageSchema>;

export const startStreamingInputSchema = z.object({
  id: z.string().min(1).optional(),
  chatId: z.string().min(1),
  parentId: z.string().min(1).nullable().optional(),
  model: z.string().nullable().default(null),
  content: z.string().default(''),
});
export type StartStreamingInput = z.input<typeof startStreamingInputSchema>;

export const failStreamingInputSchema = z
  .object({
    error: z.string(),
    /** 'interrupted' when the user stopped generation, 'error' when it failed. */
    status: z.enum(['interrupted', 'error']).default('error'),
    content: z.string().optional(),
  })
  // A stopped answer keeps the figures of what was generated before the stop.
  .extend(generationStatsSchema.shape);
export type FailStreamingInput = z.input<typeof failStreamingInputSchema>;

export const modelFormatSchema = z.enum(['gguf', 'onnx', 'other']);
export const modelOriginSchema = z.enum(['catalog', 'import', 'discovered', 'remote']);

export const modelRecordSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  filePath: z.string().nullable(),
  format: modelFormatSchema,
  origin: modelOriginSchema,
  catalogId: z.string().nullable(),
  sizeBytes: z.number().int().nonnegative().nullable(),
  sha256: z.string().nullable(),
  quantization: z.string().nullable(),
  contextLength: z.number().int().positive().nullable(),
  /** Anything else the engine learned about the file (architecture, chat template, ...). */
  metadata: z.record(z.string(), z.unknown()),
  addedAt: z.number().int(),
  lastUsedAt: z.number().int().nullable(),
});
export type ModelRecord = z.infer<typeof modelRecordSchema>;

export const upsertModelInputSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  filePath: z.string().nullable().default(null),
  format: modelFormatSchema.default('gguf'),
  origin: modelOriginSchema.default('import'),
  catalogId: z.string().nullable().default(null),
  sizeBytes: z.number().int().nonnegative().nullable().default(null),
  sha256: z.string().nullable().default(null),
  quantization: z.string().nullable().default(null),
  contextLength: z.number().int().positive().nullable().default(null),
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type UpsertModelInput = z.input<typeof upsertModelInputSchema>;

/** Where a file that code was written into is found again: inside a workspace folder, or picked. */
export const codeUndoTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('workspace'), folder: z.string().min(1), path: z.string().min(1) }),
  z.object({ kind: z.literal('picked'), path: z.string().min(1) }),
]);
export type CodeUndoTarget = z.infer<typeof codeUndoTargetSchema>;

/** What a write of code into a file replaced, so that its Undo can put it back (0515). */
export const codeUndoSchema = z.object({
  target: codeUndoTargetSchema,
  /** The file's text before the write; null when the write created the file. */
  previous: z.string().nullable(),
  /** The SHA-256 (hex) of what was written: an Undo over later edits is refused. */
  writtenHash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type CodeUndo = z.infer<typeof codeUndoSchema>;

/** The bounds of an answer-length limit, the setting's and a preset's (0472). */
const answerTokensSchema = z.number().int().min(16).max(131_072);

/**
 * A preset the person made: a name, a system prompt and, when it has one, its own answer-length
 * limit (null: the setting's applies). Built-in presets live in code.
 */
export const presetSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  systemPrompt: z.string(),
  maxAnswerTokens: answerTokensSchema.nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Preset = z.infer<typeof presetSchema>;

export const createPresetInputSchema = z.object({
  id: z.string().min(1).optional(),
  name: z.string(),
  systemPrompt: z.string(),
  maxAnswerTokens: answerTokensSchema.nullable().default(null),
});
export type CreatePresetInput = z.input<typeof createPresetInputSchema>;

export const presetEditSchema = presetSchema
  .pick({ name: true, systemPrompt: true, maxAnswerTokens: true })
  .partial()
  .strict();
export type PresetEdit = z.input<typeof presetEditSchema>;

export const changeEntitySchema = z.enum(['chat', 'message', 'setting', 'model', 'preset']);
export type ChangeEntity = z.infer<typeof changeEntitySchema>;

/** One entry of the local change log, as DESIGN.md defines it, plus its local sequence. */
export const changeSchema = z.object({
  /** Local, gap-free-ish position in the log; the cursor for `changes.since`. */
  seq: z.number().int().positive(),
  id: z.string().min(1),
  entity: changeEntitySchema,
  entityId: z.string().min(1),
  op: z.enum(['put', 'delete']),
  hlc: z.string(),
  deviceId: z.string().min(1),
  /** For `put`, the fields written (camelCase, as on the entity type); empty for `delete`. */
  fields: z.record(z.string(), z.unknown()),
});
export type Change = z.infer<typeof changeSchema>;

export const searchOptionsSchema = z.object({
  chatId: z.string().min(1).optional(),
  limit: z.number().int().positive().max(200).default(20),
});
export type SearchOptions = z.input<typeof searchOptionsSchema>;

/** A snippet as text runs, so a renderer never has to parse markup out of user text. */
export const snippetPartSchema = z.object({ text: z.string(), highlight: z.boolean() });
export type SnippetPart = z.infer<typeof snippetPartSchema>;

export const searchHitSchema = z.object({
  messageId: z.string(),
  chatId: z.string(),
  chatTitle: z.string(),
  role: messageRoleSchema,
  createdAt: z.number().int(),
  snippet: z.array(snippetPartSchema),
});
export type SearchHit = z.infer<typeof searchHitSchema>;
