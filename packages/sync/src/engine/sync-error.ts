import type { SyncErrorReason } from '../protocol';

/**
 * Why a sync call failed: a server reason (`SYNC_ERROR_REASONS`), or one of the client's own:
 * `network` (no answer: offline, refused, timed out), `server-error` (a 5xx),
 * `invalid-response` (an answer that does not match the protocol).
 */
export type SyncFailure = SyncErrorReason | 'network' | 'server-error' | 'invalid-response';

export class SyncError extends Error {
  constructor(
    readonly code: SyncFailure,
    message: string,
    readonly data: { retryAfterMs?: number; limit?: string } = {},
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

/** What the engine does about a failure. */
export type FailureAction = 'retry' | 'renew-token' | 'sign-out' | 'update-required';

export function actionFor(reason: SyncFailure): FailureAction {
  switch (reason) {
    case 'token-expired':
    case 'unauthenticated':
      return 'renew-token';
    case 'device-revoked':
    case 'refresh-token-reused':
    case 'refresh-token-invalid':
    case 'invalid-credentials':
      return 'sign-out';
    case 'protocol-version':
      return 'update-required';
    case 'network':
    case 'server-error':
    case 'invalid-response':
    case 'rate-limited':
    case 'limit-exceeded':
    case 'invalid-input':
    case 'not-found':
    case 'email-taken':
    case 'origin-not-allowed':
      return 'retry';
  }
}
