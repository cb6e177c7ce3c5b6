/**
 * Why the store refused an operation. Each code is a situation a caller can act on; the data
 * carries what a person needs to see (paths, versions, ids).
 */
export type StoreErrorCode =
  | 'newer-version'
  | 'wrong-key'
  | 'key-required'
  | 'corrupt-file-moved'
  | 'migration-failed'
  | 'encryption-failed'
  | 'not-found'
  | 'invalid-input'
  | 'not-streaming'
  | 'busy'
  | 'closed';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
