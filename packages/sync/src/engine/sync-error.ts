import type { SyncErrorReason } from '../protocol';

/**
 * Why a sync call failed: a server reason (`SYNC_ERROR_REASONS`), or one of the client's own:
 * `network` (no answer: offline, refused, timed out), `server-error` (a 5xx),
 * `invalid-response` (an answer that does not match the protocol).
 */
export type SyncFailure = SyncErrorReason | 'network' | 'server-error' | 'invalid-response';

/**
 * Why a server gave no answer, as far as the device can tell: a name that does not resolve, a
 * port nothing listens on, a certificate this device does not trust, no answer in time, or
 * anything else on the way (`unreachable`). Each asks a person to do something else.
 */
export type NetworkProblem = 'dns' | 'refused' | 'tls' | 'timeout' | 'unreachable';

/** What a failure says beyond its code, for the sentence a person reads. */
export type SyncErrorData = {
  /** `rate-limited`: how long the server asked to wait. */
  retryAfterMs?: number;
  /** `rate-limited`, `limit-exceeded`: which of the server's limits. */
  limit?: string;
  /** `network`: what kept the answer away. */
  network?: NetworkProblem;
  /** `protocol-version`: the version the server speaks. */
  serverVersion?: number;
  /** `invalid-input`: the fields refused, as dotted paths. */
  fields?: string[];
  /** The procedure that failed (`account.signIn`), where the same reason means different things. */
  path?: string;
};

export class SyncError extends Error {
  constructor(
    readonly code: SyncFailure,
    message: string,
    readonly data: SyncErrorData = {},
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
