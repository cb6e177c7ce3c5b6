import { z } from 'zod';
import { engineErrorCodeSchema } from './errors';
import { jsonSchemaNodeSchema } from './json-schema';

export const chatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** NaN and Infinity are rejected here: a NaN temperature must be an error, not garbage. */
const finite = () => z.number().refine(Number.isFinite, 'expected a finite number');

export const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('json') }),
  z.object({ type: z.literal('json-schema'), schema: jsonSchemaNodeSchema }),
]);
export type ResponseFormat = z.infer<typeof responseFormatSchema>;

export const chatParamsSchema = z.object({
  /**
   * Keeps a context sequence per chat, so a follow-up turn evaluates only the new
   * tokens. Without it every request starts from an empty sequence.
   */
  chatId: z.string().min(1).optional(),
  maxTokens: z.number().int().positive().max(1_000_000).optional(),
  temperature: finite().pipe(z.number().min(0).max(5)).optional(),
  topP: finite().pipe(z.number().gt(0).max(1)).optional(),
  topK: z.number().int().nonnegative().optional(),
  seed: z.number().int().nonnegative().optional(),
  stop: z.array(z.string().min(1)).max(16).optional(),
  /**
   * Prompt-lookup speculative decoding: drafts tokens by matching the prompt, which
   * pays off when the answer repeats the input (fix, refactor). Output is identical.
   */
  speculative: z.enum(['lookup', 'none']).default('none'),
  /**
   * Constrains the answer to JSON: any JSON value for `json`, or one that matches `schema` (the
   * subset of JSON Schema node-llama-cpp turns into a grammar). Absent: free text.
   */
  responseFormat: responseFormatSchema.optional(),
});
export type ChatParams = z.input<typeof chatParamsSchema>;
export type ResolvedChatParams = z.output<typeof chatParamsSchema>;

export const modelRefSchema = z.object({
  /** Catalog id, file name or remote model name: what `info()` shows. */
  id: z.string().min(1),
  /** Local GGUF path; required by engines that run the model themselves. */
  path: z.string().min(1).optional(),
});
export type ModelRef = z.infer<typeof modelRefSchema>;

/** The largest context we accept at all; larger values are a caller error, not an OOM. */
export const MAX_CONTEXT_SIZE = 1_048_576;

export const loadOptionsSchema = z.object({
  /** Layers offloaded to the GPU; `auto` fits as many as memory allows. */
  gpuLayers: z
    .union([z.literal('auto'), z.literal('max'), z.number().int().nonnegative()])
    .default('auto'),
  /** `auto` uses the largest size (up to the model's trained one) that fits in memory. */
  contextSize: z
    .union([z.literal('auto'), z.number().int().min(64).max(MAX_CONTEXT_SIZE)])
    .default('auto'),
  /** CPU threads used for generation; by default node-llama-cpp's own choice. */
  threads: z.number().int().positive().max(256).optional(),
  /**
   * `auto` keeps the model's threads on CPUs of their own (one per physical core) when the
   * machine has more cores than the model uses, on Linux; `off` leaves placement to the OS (0206).
   */
  cpuAffinity: z.enum(['auto', 'off']).default('auto'),
  /**
   * Keep the weights in the process's own memory instead of a memory map the OS may reclaim
   * while the model sits idle between messages (the next token would wait for them): `auto`
   * for a model that takes at most half of the free memory, `on` always, `off` never (0207).
   */
  keepInMemory: z.enum(['auto', 'on', 'off']).default('auto'),
  /**
   * How many chats keep their KV cache at once (one context sequence each). Two
   * covers the open chat plus a quick ask; each sequence holds its own KV cache, so
   * with `contextSize: 'auto'` more sequences mean a smaller context each (0203).
   */
  sequences: z.number().int().min(1).max(64).default(2),
});
export type LoadOptions = z.input<typeof loadOptionsSchema>;
export type ResolvedLoadOptions = z.output<typeof loadOptionsSchema>;

export const deltaEventSchema = z.object({
  type: z.literal('delta'),
  text: z.string(),
  /** Tokens this delta carries (several when deltas were coalesced). */
  tokens: z.number().int().nonnegative(),
});

export const stopReasonSchema = z.enum(['eos', 'max-tokens', 'stop-sequence', 'aborted']);
export type StopReason = z.infer<typeof stopReasonSchema>;

export const doneEventSchema = z.object({
  type: z.literal('done'),
  /** Generated tokens, also after a stop: the deltas before `done` are the partial answer. */
  tokens: z.number().int().nonnegative(),
  ttftMs: z.number().nonnegative(),
  tokensPerSecond: z.number().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  /** Prompt tokens served from the chat's KV cache instead of being evaluated again. */
  reusedTokens: z.number().int().nonnegative(),
  /**
   * Of `reusedTokens`, those read back from the chat's state saved on disk since its last answer
   * (the chat was reopened after its cache had been given up): 0 when none were (0208).
   */
  restoredTokens: z.number().int().nonnegative(),
  stopReason: stopReasonSchema,
});

export const errorEventSchema = z.object({
  type: z.literal('error'),
  code: engineErrorCodeSchema,
  message: z.string(),
});

/** A chat stream is deltas followed by exactly one `done` or `error`. */
export const engineEventSchema = z.discriminatedUnion('type', [
  deltaEventSchema,
  doneEventSchema,
  errorEventSchema,
]);
export type DoneEvent = z.infer<typeof doneEventSchema>;
export type EngineEvent = z.infer<typeof engineEventSchema>;

/** The chat KV states an engine keeps on disk (0208). */
export const savedStatesInfoSchema = z.object({
  /** Bytes the saved states take, and how many chats they belong to. */
  bytes: z.number().int().nonnegative(),
  chats: z.number().int().nonnegative(),
  /** The most they may take; the least recently used are deleted past it. */
  budgetBytes: z.number().int().nonnegative(),
  /** The latest save: `ms` is how long the model was held for it (the rest runs in the background). */
  lastSave: z
    .object({
      chatId: z.string(),
      tokens: z.number().int().nonnegative(),
      bytes: z.number().int().nonnegative(),
      ms: z.number().nonnegative(),
    })
    .nullable(),
  /** The latest restore: the prompt tokens it spared evaluating, and how long checking and loading took. */
  lastRestore: z
    .object({
      chatId: z.string(),
      tokens: z.number().int().nonnegative(),
      ms: z.number().nonnegative(),
    })
    .nullable(),
});
export type SavedStatesInfo = z.infer<typeof savedStatesInfoSchema>;

/** The largest disk budget for saved states we accept (1 TiB); larger is a mistake. */
const MAX_SAVED_STATES_BUDGET = 2 ** 40;

/** What the app may ask of the saved states: forget deleted chats, clear them all, resize. */
export const savedStatesCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('forget'), chatIds: z.array(z.string().min(1)).max(100_000) }),
  z.object({ type: z.literal('keep-only'), chatIds: z.array(z.string().min(1)).max(100_000) }),
  z.object({ type: z.literal('clear') }),
  z.object({
    type: z.literal('set-budget'),
    budgetBytes: z.number().int().nonnegative().max(MAX_SAVED_STATES_BUDGET),
  }),
]);
export type SavedStatesCommand = z.infer<typeof savedStatesCommandSchema>;

/** Where the model process saves chat states, and how much disk they may take. */
export const savedStatesSettingsSchema = z.object({
  dir: z.string().min(1),
  budgetBytes: z.number().int().nonnegative().max(MAX_SAVED_STATES_BUDGET),
  /**
   * Speeds the worth-a-file rule (0208) holds to instead of measuring them: for a person who
   * knows their machine, and for tests that must decide the same on a fast and a slow one.
   */
  speeds: z
    .object({
      prefillTokensPerSecond: z.number().positive().finite().optional(),
      readBytesPerSecond: z.number().positive().finite().optional(),
    })
    .optional(),
});
export type SavedStatesSettings = z.infer<typeof savedStatesSettingsSchema>;

export const engineInfoSchema = z.object({
  engine: z.enum(['llama.cpp', 'openai-compatible']),
  /** Compute backend actually in use: `remote` for an OpenAI-compatible endpoint. */
  backend: z.enum(['cuda', 'vulkan', 'metal', 'cpu', 'remote']),
  gpuName: z.string().nullable(),
  vramTotalBytes: z.number().nonnegative().nullable(),
  vramFreeBytes: z.number().nonnegative().nullable(),
  model: modelRefSchema.nullable(),
  contextSize: z.number().int().positive().nullable(),
  /** The CPUs the model's threads are pinned to (`cpuAffinity`), or null: the OS places them. */
  cpus: z.array(z.number().int().nonnegative()).nullable(),
  /**
   * Where the loaded model's weights live (`keepInMemory`): `copied` stay in RAM, `mapped` may be
   * paged out while idle; null with no model loaded, or a remote one.
   */
  weightMemory: z.enum(['copied', 'mapped']).nullable(),
  /** The chat states saved to disk; null for an engine that saves none. */
  savedStates: savedStatesInfoSchema.nullable(),
});
export type EngineInfo = z.infer<typeof engineInfoSchema>;

/**
 * The tokens each message takes in a prompt, as `countTokens` reports them. They add up to the
 * prompt: `fixedTokens` plus every message's count.
 */
export const tokenCountSchema = z.object({
  /** Per message, in order, the chat template's markup around it included. */
  messages: z.array(z.number().int().nonnegative()),
  /** What the template adds once per prompt: the start token and the answer's header. */
  fixedTokens: z.number().int().nonnegative(),
  /** True when counted with the loaded model's tokenizer; false for `estimateTokenCount`. */
  exact: z.boolean(),
});
export type TokenCount = z.infer<typeof tokenCountSchema>;

/**
 * What the app talks to. `chat` never throws: every failure, including bad params,
 * arrives as an `error` event, and a stopped generation ends in `done` with
 * `stopReason: 'aborted'`.
 */
export interface Engine {
  load(model: ModelRef, options?: LoadOptions): Promise<void>;
  unload(): Promise<void>;
  chat(
    messages: ChatMessage[],
    params?: ChatParams,
    signal?: AbortSignal,
  ): AsyncIterable<EngineEvent>;
  /**
   * Evaluates the prompt of `messages` into the chat's KV cache ahead of `chat` (the app calls
   * it while the person types), so a `chat` with the same messages starts answering at once.
   * Resolves to the prompt tokens it evaluated: 0 when the cache already held them, when newer
   * work superseded it, or for an engine with no cache of its own to fill.
   */
  prefill(messages: ChatMessage[], params: ChatParams & { chatId: string }): Promise<number>;
  /**
   * Counts the tokens these messages take in a prompt: with the loaded model's own tokenizer and
   * chat template, or, with no model loaded here (none yet, or a remote one), the documented
   * estimate `estimateTokenCount`. The app's context budget (`planContext`) uses nothing else.
   */
  countTokens(messages: ChatMessage[]): Promise<TokenCount>;
  embed(texts: string[]): Promise<number[][]>;
  info(): Promise<EngineInfo>;
  /**
   * Acts on the chat states the engine saved to disk (0208): forgets deleted chats, clears them
   * all, or changes their disk budget. Resolves to what is saved afterwards, or null for an
   * engine that saves none.
   */
  manageSavedStates(command: SavedStatesCommand): Promise<SavedStatesInfo | null>;
  /** Releases everything (the model process included); the engine is unusable after. */
  dispose(): Promise<void>;
}
