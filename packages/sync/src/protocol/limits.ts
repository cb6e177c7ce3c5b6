/**
 * Default limits of a sync server. A server may configure others; it reports its own through
 * `meta.limits`, and every exceeded limit is a 4xx error whose `data.limit` names it.
 */
export const DEFAULT_SYNC_LIMITS = {
  /** Largest ciphertext of one change, in bytes (decoded, not base64url). */
  maxChangeBytes: 64 * 1024,
  /** Most changes in one push. */
  maxBatchChanges: 500,
  /** Total ciphertext bytes one account may store. */
  maxUserBytes: 256 * 1024 * 1024,
  /** Most changes one pull returns. */
  maxPullChanges: 1000,
} as const;

/** Names of the limits, as they appear in errors (`data.limit`). */
export const SYNC_LIMIT_NAMES = ['maxChangeBytes', 'maxBatchChanges', 'maxUserBytes'] as const;
export type SyncLimitName = (typeof SYNC_LIMIT_NAMES)[number];
