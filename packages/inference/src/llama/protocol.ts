import { z } from 'zod';
import { describeZodError, engineErrorCodeSchema } from '../engine/errors';
import {
  chatMessageSchema,
  chatParamsSchema,
  engineEventSchema,
  engineInfoSchema,
  loadOptionsSchema,
  modelRefSchema,
  savedStatesCommandSchema,
  savedStatesInfoSchema,
  savedStatesSettingsSchema,
  tokenCountSchema,
} from '../engine/types';

/**
 * The message protocol between LlamaCppEngine (the app) and its model process.
 * Both sides validate every message they receive. See SPEC.md.
 */
export const MODEL_PROCESS_PROTOCOL_VERSION = 7;

const requestId = z.number().int().nonnegative();

export const processSettingsSchema = z.object({
  /** `auto` picks CUDA, Vulkan or Metal when present, else the CPU; `false` forces the CPU. */
  gpu: z.union([z.literal('auto'), z.literal(false)]),
  /** Where chats' KV states are saved, and their disk budget; null saves none (0208). */
  savedStates: savedStatesSettingsSchema.nullable(),
});
export type ProcessSettings = z.infer<typeof processSettingsSchema>;

export const toProcessMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    protocolVersion: z.number().int(),
    settings: processSettingsSchema,
  }),
  z.object({
    type: z.literal('load'),
    requestId,
    model: modelRefSchema,
    options: loadOptionsSchema,
  }),
  z.object({ type: z.literal('unload'), requestId }),
  z.object({
    type: z.literal('chat'),
    requestId,
    messages: z.array(chatMessageSchema),
    params: chatParamsSchema,
  }),
  /**
   * Evaluates the prompt these messages render to into the chat's KV cache, so a `chat`
   * with the same messages starts generating at once. The newest one wins: a prefill still
   * queued when another request arrives is skipped (answered with 0 tokens).
   */
  z.object({
    type: z.literal('prefill'),
    requestId,
    messages: z.array(chatMessageSchema),
    params: chatParamsSchema,
  }),
  /** Stops the chat request with this id; its stream then ends in `done` (aborted). */
  z.object({ type: z.literal('abort'), requestId }),
  z.object({ type: z.literal('embed'), requestId, texts: z.array(z.string()) }),
  z.object({ type: z.literal('info'), requestId }),
  /** Counts the messages' tokens with the loaded model's tokenizer (the estimate with none). */
  z.object({ type: z.literal('countTokens'), requestId, messages: z.array(chatMessageSchema) }),
  /** Acts on the saved chat states (forget, keep only, clear, set the budget). */
  z.object({ type: z.literal('savedStates'), requestId, command: savedStatesCommandSchema }),
]);
export type ToProcessMessage = z.infer<typeof toProcessMessageSchema>;

export const fromProcessMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), protocolVersion: z.number().int() }),
  z.object({ type: z.literal('loaded'), requestId, contextSize: z.number().int().positive() }),
  z.object({ type: z.literal('unloaded'), requestId }),
  z.object({ type: z.literal('event'), requestId, event: engineEventSchema }),
  z.object({ type: z.literal('embeddings'), requestId, vectors: z.array(z.array(z.number())) }),
  /** Prompt tokens the prefill evaluated (0 when the cache held them or it was skipped). */
  z.object({ type: z.literal('prefilled'), requestId, tokens: z.number().int().nonnegative() }),
  z.object({ type: z.literal('info'), requestId, info: engineInfoSchema }),
  z.object({ type: z.literal('tokenCount'), requestId, count: tokenCountSchema }),
  z.object({
    type: z.literal('savedStates'),
    requestId,
    info: savedStatesInfoSchema.nullable(),
  }),
  z.object({
    type: z.literal('failed'),
    requestId,
    code: engineErrorCodeSchema,
    message: z.string(),
  }),
]);
export type FromProcessMessage = z.infer<typeof fromProcessMessageSchema>;

type Failed = Extract<FromProcessMessage, { type: 'failed' }>;

/**
 * Logs a received message that failed validation, and returns the `failed` reply its request
 * should get (when it carries a request id), so that nobody waits forever for an answer.
 */
export function refuseInvalid(
  raw: unknown,
  error: z.ZodError,
  reply: { log: string; code: Failed['code']; message: string },
): Failed | undefined {
  const detail = describeZodError(error);
  console.error(`${reply.log}: ${detail}`);
  if (typeof raw !== 'object' || raw === null || !('requestId' in raw)) return undefined;
  const { requestId } = raw;
  if (typeof requestId !== 'number') return undefined;
  return { type: 'failed', requestId, code: reply.code, message: `${reply.message} (${detail}).` };
}
