import { z } from 'zod';
import { jsonSchemaNodeSchema } from '../engine/json-schema';

/**
 * The subset of the OpenAI chat-completions wire format that CodeFace speaks, both
 * as a client (OpenAICompatibleEngine) and as a server (the local API). Unknown
 * fields are allowed through: every server adds its own.
 */
const contentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

export const wireMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(contentPartSchema), z.null()]),
});
export type WireMessage = z.infer<typeof wireMessageSchema>;

export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(wireMessageSchema).min(1),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  /** Choices per request; the local API generates one and refuses more. */
  n: z.number().int().min(1).nullish(),
  response_format: z
    .discriminatedUnion('type', [
      z.looseObject({ type: z.literal('text') }),
      z.looseObject({ type: z.literal('json_object') }),
      z.looseObject({
        type: z.literal('json_schema'),
        json_schema: z.looseObject({
          name: z.string(),
          schema: jsonSchemaNodeSchema.optional(),
        }),
      }),
    ])
    .nullish(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

export const finishReasonSchema = z.enum(['stop', 'length', 'content_filter', 'tool_calls']);

export const usageSchema = z.looseObject({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
});

export const chatCompletionSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      message: z.looseObject({ role: z.literal('assistant'), content: z.string().nullable() }),
      finish_reason: finishReasonSchema.nullable(),
    }),
  ),
  usage: usageSchema.optional(),
});
export type ChatCompletion = z.infer<typeof chatCompletionSchema>;

export const chatCompletionChunkSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      delta: z.looseObject({
        role: z.string().optional(),
        content: z.string().nullish(),
      }),
      finish_reason: finishReasonSchema.nullish(),
    }),
  ),
  usage: usageSchema.nullish(),
});
export type ChatCompletionChunk = z.infer<typeof chatCompletionChunkSchema>;

/**
 * A model as servers list it. The context length has no standard field: vLLM sends
 * `max_model_len`, OpenRouter and others `context_length`, LM Studio's own API
 * `loaded_context_length` / `max_context_length`.
 */
const wireModelSchema = z.looseObject({
  id: z.string().min(1),
  max_model_len: z.number().int().positive().optional().catch(undefined),
  context_length: z.number().int().positive().optional().catch(undefined),
  loaded_context_length: z.number().int().positive().optional().catch(undefined),
  max_context_length: z.number().int().positive().optional().catch(undefined),
});

export const modelListSchema = z.looseObject({ data: z.array(wireModelSchema) });

/** The context length a listed model reports, where its server reports one. */
export function wireContextLength(model: z.infer<typeof wireModelSchema>): number | null {
  return (
    model.loaded_context_length ??
    model.max_model_len ??
    model.context_length ??
    model.max_context_length ??
    null
  );
}

export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1)]),
});

export const embeddingsResponseSchema = z.looseObject({
  object: z.literal('list'),
  data: z.array(z.looseObject({ index: z.number().int(), embedding: z.array(z.number()) })),
});

export const errorBodySchema = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    type: z.string().optional(),
    param: z.string().nullish(),
    code: z.string().nullish(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Joins OpenAI content (a string or text parts) into our plain text. */
export function wireContentToText(content: WireMessage['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => part.text ?? '').join('');
}
