export type EmbeddingErrorCode = 'model-not-found' | 'invalid-input' | 'embedding-failed';

export class EmbeddingError extends Error {
  override readonly name = 'EmbeddingError';

  constructor(
    readonly code: EmbeddingErrorCode,
    readonly data: Record<string, unknown> = {},
    message?: string,
  ) {
    super(message ?? `${code}: ${JSON.stringify(data)}`);
  }
}
