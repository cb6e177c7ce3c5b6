export type CryptoErrorCode = 'decrypt-failure' | 'malformed' | 'unsupported-version';

/** A sealed change or a wrapped key that cannot be opened; `data` says which. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
