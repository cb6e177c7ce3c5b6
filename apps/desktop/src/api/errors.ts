import type { TRPCError } from '@trpc/server';

/**
 * Reasons the app API can refuse a request or end a stream. Each maps to one tRPC code at the
 * edge; the renderer can branch on `data.reason` and shows `message` to a person as is.
 */
export const appErrorReasons = {
  'chat-not-found': 'NOT_FOUND',
  'message-not-found': 'NOT_FOUND',
  'model-not-found': 'NOT_FOUND',
  'preset-not-found': 'NOT_FOUND',
  'download-not-found': 'NOT_FOUND',
  'no-model-loaded': 'PRECONDITION_FAILED',
  'model-too-big': 'PRECONDITION_FAILED',
  'generation-busy': 'CONFLICT',
  'answer-finished': 'CONFLICT',
  'download-busy': 'CONFLICT',
  'invalid-input': 'BAD_REQUEST',
  'invalid-branch': 'BAD_REQUEST',
  'invalid-import': 'BAD_REQUEST',
  'invalid-model': 'BAD_REQUEST',
  'invalid-settings': 'BAD_REQUEST',
  'prompt-too-long': 'BAD_REQUEST',
  'wrong-passphrase': 'UNAUTHORIZED',
  'too-many-attempts': 'TOO_MANY_REQUESTS',
  locked: 'PRECONDITION_FAILED',
  'builtin-preset': 'FORBIDDEN',
  'unsupported-on-platform': 'METHOD_NOT_SUPPORTED',
  'hotkey-unavailable': 'CONFLICT',
  'port-unavailable': 'CONFLICT',
  'invalid-path': 'BAD_REQUEST',
  'no-workspace': 'PRECONDITION_FAILED',
  'file-changed': 'CONFLICT',
  'undo-expired': 'NOT_FOUND',
  'empty-code': 'BAD_REQUEST',
  'model-server-error': 'BAD_GATEWAY',
  'download-failed': 'BAD_GATEWAY',
  'storage-busy': 'SERVICE_UNAVAILABLE',
  closing: 'SERVICE_UNAVAILABLE',
  'disk-full': 'INTERNAL_SERVER_ERROR',
  'model-error': 'INTERNAL_SERVER_ERROR',
  'storage-error': 'INTERNAL_SERVER_ERROR',
  'embedding-error': 'INTERNAL_SERVER_ERROR',
  'sync-error': 'INTERNAL_SERVER_ERROR',
  'internal-error': 'INTERNAL_SERVER_ERROR',
} as const satisfies Record<string, TRPCError['code']>;

export type AppErrorReason = keyof typeof appErrorReasons;

/**
 * The one error shape of the app and of every package below it (decision 0406): a reason code,
 * a message, and data. An AppError's message is written for the person who sees it and its
 * data holds nothing of the host (no paths, no stack); `toAppError` makes every other error one.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: AppErrorReason,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
