export type CryptoErrorReason = 'decrypt-failure' | 'malformed' | 'unsupported-version';

/** A sealed change or a wrapped key that cannot be opened; `data` says which. */
export class CryptoError extends Error {
  constructor(
    readonly reason: CryptoErrorReason,
    readonly data: Record<string, unknown> = {},
  ) {
    super(`${reason}: ${JSON.stringify(data)}`);
    this.name = 'CryptoError';
  }
}
