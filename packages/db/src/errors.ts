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
  | 'not-found'
  | 'invalid-input'
  | 'not-streaming'
  | 'closed';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly data: Record<string, unknown>;

  constructor(code: StoreErrorCode, data: Record<string, unknown> = {}, message?: string) {
    super(message ?? `${code}: ${JSON.stringify(data)}`);
    this.name = 'StoreError';
    this.code = code;
    this.data = data;
  }
}
