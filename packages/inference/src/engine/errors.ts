import { z } from 'zod';

/**
 * Every failure an engine reports carries one of these codes, so the app can map it
 * to a message a person can act on without parsing text.
 */
export const engineErrorCodeSchema = z.enum([
  // The model file
  'model-not-found',
  'not-gguf',
  'model-truncated',
  'model-invalid',
  'unsupported-architecture',
  'model-too-big',
  // Caller input
  'invalid-options',
  'invalid-params',
  /** A response format (JSON schema) the engine cannot turn into a grammar. */
  'invalid-response-format',
  'no-model-loaded',
  'context-overflow',
  // The model process
  'process-crashed',
  'load-failed',
  'load-timeout',
  'generation-failed',
  /** The engine was disposed (the app is closing): a call that arrives after it is refused. */
  'closed',
  'unsupported',
  // Remote endpoints
  'connection-failed',
  'unauthorized',
  'timeout',
  'malformed-stream',
  'http-error',
]);
export type EngineErrorCode = z.infer<typeof engineErrorCodeSchema>;

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Turns anything thrown into an EngineError, keeping a code when there is one. */
export function toEngineError(error: unknown, fallback: EngineErrorCode): EngineError {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError(fallback, message);
}

/** Formats a zod failure as one readable line: "temperature: expected a finite number". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`)
    .join('; ');
}
