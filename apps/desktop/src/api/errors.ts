import { TRPCError } from '@trpc/server';

/**
 * Reasons the app API can refuse a request. Each maps to one tRPC code at the edge, so the
 * renderer can branch on `data.reason` and show `message` to a person as is.
 */
export const appErrorReasons = {
  'chat-not-found': 'NOT_FOUND',
  'message-not-found': 'NOT_FOUND',
  'model-not-found': 'NOT_FOUND',
  'preset-not-found': 'NOT_FOUND',
  'download-not-found': 'NOT_FOUND',
  'no-model-loaded': 'PRECONDITION_FAILED',
  'generation-busy': 'CONFLICT',
  'invalid-branch': 'BAD_REQUEST',
  'invalid-import': 'BAD_REQUEST',
  'invalid-settings': 'BAD_REQUEST',
  'builtin-preset': 'FORBIDDEN',
  'prompt-too-long': 'BAD_REQUEST',
  'unsupported-on-platform': 'METHOD_NOT_SUPPORTED',
  'hotkey-unavailable': 'CONFLICT',
  'invalid-path': 'BAD_REQUEST',
  'no-workspace': 'PRECONDITION_FAILED',
  'file-changed': 'CONFLICT',
  'undo-expired': 'NOT_FOUND',
  'empty-code': 'BAD_REQUEST',
  'model-error': 'INTERNAL_SERVER_ERROR',
  'storage-error': 'INTERNAL_SERVER_ERROR',
} as const satisfies Record<string, TRPCError['code']>;

export type AppErrorReason = keyof typeof appErrorReasons;

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly reason: AppErrorReason,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Errors of the packages below the API carry a `code`; this reads it without trusting its type. */
function reasonCodeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Turns any thrown value into a TRPCError whose message a person can act on. Domain errors of
 * our packages keep their reason code; anything else becomes a generic message so that no
 * stack trace or file path of the host leaks to a client.
 */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof AppError) {
    return new TRPCError({
      code: appErrorReasons[error.reason],
      message: error.message,
      cause: error,
    });
  }
  const code = reasonCodeOf(error);
  if (code !== undefined && error instanceof Error) {
    return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  }
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: 'Something went wrong inside CodeFace. The details are in its log.',
    cause: error instanceof Error ? error : undefined,
  });
}

/** The reason code sent to clients in `error.data.reason`. */
export function reasonOf(error: TRPCError): string | undefined {
  const cause = error.cause;
  if (cause instanceof AppError) return cause.reason;
  return reasonCodeOf(cause);
}
