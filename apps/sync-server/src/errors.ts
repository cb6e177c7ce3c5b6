import type { SyncErrorReason } from '@codeface/sync/protocol';

/**
 * A failure a client can act on. The tRPC layer maps `reason` to an HTTP status and passes
 * `reason`, `data` and the message through; any other error becomes a bare 500.
 */
export class SyncServerError extends Error {
  constructor(
    readonly reason: SyncErrorReason,
    message: string,
    readonly data: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'SyncServerError';
  }
}
