import { z } from 'zod';
import type { AppErrorReason } from './errors';

/**
 * The shapes that cross the app API. Inputs are validated here; outputs are typed from the
 * same schemas so that the renderer (which imports `type AppRouter`) sees one definition.
 */

export const id = z.string().min(1).max(128);

/** Limits that keep one request from exhausting memory; the UI shows these messages as is. */
export const MAX_MESSAGE_CHARS = 200_000;
export const MAX_TITLE_CHARS = 200;
export const MAX_SYSTEM_PROMPT_CHARS = 20_000;
export const MAX_IMPORT_CHARS = 50_000_000;

export const messageText = z
  .string()
  .max(
    MAX_MESSAGE_CHARS,
    `A message can be at most ${MAX_MESSAGE_CHARS.toLocaleString('en')} characters.`,
  )
  .refine((text) => text.trim().length > 0, 'Type a message before sending.');

export const chatSourceSchema = z.enum(['chat', 'quick-ask']);
export const messageRoleSchema = z.enum(['system', 'user', 'assistant']);
export const messageStatusSchema = z.enum(['streaming', 'done', 'interrupted', 'error']);
/** Why a finished answer ended; `max-tokens` is the answer-length limit (it can be continued). */
export const stopReasonSchema = z.enum(['eos', 'max-tokens', 'stop-sequence']);
export type StopReason = z.infer<typeof stopReasonSchema>;

export const chatSchema = z.object({
  id,
  title: z.string(),
  model: z.string().nullable(),
  preset: z.string().nullable(),
  systemPrompt: z.string().nullable(),
  source: chatSourceSchema,
  pinned: z.boolean(),
  archived: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Chat = z.infer<typeof chatSchema>;

export const messageSchema = z.object({
  id,
  chatId: id,
  parentId: id.nullable(),
  role: messageRoleSchema,
  content: z.string(),
  status: messageStatusSchema,
  model: z.string().nullable(),
  completionTokens: z.number().nullable(),
  timeToFirstTokenMs: z.number().nullable(),
  tokensPerSecond: z.number().nullable(),
  /** Null while it streams, for questions, and for stopped or failed answers. */
  stopReason: stopReasonSchema.nullable(),
  createdAt: z.number(),
});
export type Message = z.infer<typeof messageSchema>;

/** A message on the active branch, with what the `‹ 2/3 ›` control needs. */
export type BranchMessage = Message & { siblingIds: string[]; siblingIndex: number };

export const chatCreateInput = z.object({
  title: z.string().trim().max(MAX_TITLE_CHARS).optional(),
  preset: id.nullable().optional(),
  systemPrompt: z.string().max(MAX_SYSTEM_PROMPT_CHARS).nullable().optional(),
  source: chatSourceSchema.optional(),
});

export const chatUpdateInput = z.object({
  chatId: id,
  title: z
    .string()
    .trim()
    .min(1, 'A chat title cannot be empty.')
    .max(MAX_TITLE_CHARS, `A chat title can be at most ${MAX_TITLE_CHARS} characters.`)
    .optional(),
  pinned: z.boolean().optional(),
  archived: z.boolean().optional(),
  preset: id.nullable().optional(),
  systemPrompt: z
    .string()
    .max(
      MAX_SYSTEM_PROMPT_CHARS,
      `A system prompt can be at most ${MAX_SYSTEM_PROMPT_CHARS} characters.`,
    )
    .nullable()
    .optional(),
});
export type ChatUpdate = z.infer<typeof chatUpdateInput>;

export const exportFormatSchema = z.enum(['markdown', 'json']);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

/**
 * Set by tRPC's client when it sends an open subscription again after a reconnect: the id of
 * the last event it had (`<answer id>:<characters>`), so the answer goes on from there instead
 * of the turn starting again (0409).
 */
const lastEventId = z.string().max(200).nullish();

/** What one generation request asks for: a new turn, another answer, or an edited question. */
export const generateInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('send'), chatId: id, content: messageText, lastEventId }),
  z.object({ kind: z.literal('regenerate'), messageId: id, lastEventId }),
  z.object({ kind: z.literal('edit'), messageId: id, content: messageText, lastEventId }),
  /** Writes more of an answer the length limit cut, appended to the same message. */
  z.object({ kind: z.literal('continue'), messageId: id, lastEventId }),
  /**
   * Shows an answer being written that this page did not start (in another tab, in the quick
   * ask, before a reload), from its beginning; starts nothing, and ends at once where the answer
   * is no longer being written or kept.
   */
  z.object({ kind: z.literal('follow'), messageId: id, lastEventId }),
]);
export type GenerateInput = z.infer<typeof generateInput>;

/** Events of one generation; the stream always ends in `done` or `error`. */
export type GenerationEvent =
  | {
      type: 'started';
      chatId: string;
      userMessage: Message | null;
      assistantMessage: Message;
      /** Older messages left out so the conversation fits the model's context window. */
      omittedMessages: number;
    }
  /** The answer's text since the last delta (the figures come with `done`). */
  | { type: 'delta'; text: string }
  | {
      type: 'done';
      messageId: string;
      completionTokens: number;
      timeToFirstTokenMs: number;
      tokensPerSecond: number;
      promptTokens: number;
      /** Prompt tokens the engine found in the chat's cache instead of evaluating them. */
      reusedTokens: number;
      /**
       * Of `reusedTokens`, those read back from the chat's state saved on disk (the chat was
       * reopened after the model had let its cache go, or after a restart; 0208).
       */
      restoredTokens: number;
      stopped: boolean;
      /** Null when it was stopped. */
      stopReason: StopReason | null;
    }
  | { type: 'error'; messageId: string | null; reason: AppErrorReason; message: string };

/**
 * How full the model's context window is with a chat and the message being typed, as the context
 * meter shows it (`messages.contextBudget`); a send is refused exactly when `freeTokens < 0`.
 */
export type ContextBudget = {
  /** Tokens of the system prompt, the whole branch and the draft, left-out turns included. */
  usedTokens: number;
  windowTokens: number;
  /** Tokens kept free for the answer. */
  answerTokens: number;
  /**
   * How many more tokens the draft may take and still be sent; negative: too long by that many.
   * An empty draft is no message yet: its reading leaves out the markup a message adds.
   */
  freeTokens: number;
  /** Older messages that will be left out to fit. */
  droppedTurns: number;
  /** Counted with the loaded model's tokenizer; false: the estimate used without one. */
  exact: boolean;
};

/** Which conversation a budget is for: a saved chat, or a new one not saved yet. */
export const contextBudgetInput = z.union([
  z.object({ chatId: id, draft: z.string().max(MAX_MESSAGE_CHARS) }),
  z.object({
    chatId: z.null(),
    preset: id.nullable(),
    systemPrompt: z.string().max(MAX_SYSTEM_PROMPT_CHARS).nullable(),
    draft: z.string().max(MAX_MESSAGE_CHARS),
  }),
]);
export type ContextBudgetInput = z.infer<typeof contextBudgetInput>;

export const searchInput = z.object({
  query: z.string().max(10_000, 'A search can be at most 10,000 characters.'),
  chatId: id.optional(),
  limit: z.number().int().min(1).max(100).default(20),
});

export type SearchHit = {
  chatId: string;
  chatTitle: string;
  messageId: string;
  role: Message['role'];
  /** Text around the match as runs, matched terms flagged: render as text, never as markup. */
  snippet: { text: string; highlight: boolean }[];
  createdAt: number;
  /**
   * The ranking's own score where it has one (hybrid search: the fused reciprocal rank); none for
   * full-text search, which orders by recency.
   */
  score?: number;
};

/**
 * An OpenAI-compatible server on another machine as the app shows it. This is the one
 * declaration of a server: the data folder keeps a `pick` of it, and packages/ui's
 * `RemoteServer` is checked against it where the renderer passes API results in (0451); how the
 * engine reaches it is the engine's own options (`RemoteServerConnection` in services/ports.ts). Its API key never leaves the secret store: `hasApiKey` says
 * whether there is one.
 */
export const remoteServerSchema = z.object({
  id,
  /** The API root, such as `http://192.168.1.20:11434/v1`. */
  baseUrl: z.url(),
  /** `host:port`, shown beside each of its models. */
  host: z.string(),
  hasApiKey: z.boolean(),
  /** Assumed for models whose length the server does not report; null: the default. */
  contextSize: z.number().int().positive().nullable(),
});
export type RemoteServer = z.infer<typeof remoteServerSchema>;

/** What the person types to add a server. */
export const remoteServerInput = z.object({
  url: z
    .string()
    .trim()
    .min(1, 'Enter the address of the server, such as http://192.168.1.20:11434.')
    .max(2048, 'That address is too long.')
    .refine(
      (url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol),
      'The address must start with http:// or https://, such as http://192.168.1.20:11434.',
    ),
  /** Empty or absent: the server needs no key. */
  apiKey: z.string().trim().max(4096, 'That API key is too long.').optional(),
  contextSize: z
    .number('The context length must be a number.')
    .int('The context length must be a whole number.')
    .min(256, 'The context length must be between 256 and 1,048,576 tokens.')
    .max(1_048_576, 'The context length must be between 256 and 1,048,576 tokens.')
    .nullable()
    .optional(),
});
export type RemoteServerInput = z.infer<typeof remoteServerInput>;

/** A model a remote server lists, under the id the app loads it by. */
export type RemoteModel = {
  id: string;
  name: string;
  serverId: RemoteServer['id'];
  host: RemoteServer['host'];
  contextLength: number | null;
};

/** One server's models, or the sentence that says why they could not be listed. */
export type RemoteServerModels = {
  server: RemoteServer;
  models: RemoteModel[];
  error: string | null;
};
