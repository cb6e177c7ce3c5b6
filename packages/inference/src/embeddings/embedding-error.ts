export type EmbeddingErrorCode = 'model-not-found' | 'invalid-input' | 'embedding-failed';

export class EmbeddingError extends Error {
  override readonly name = 'EmbeddingError';
  constructor(
    readonly code: EmbeddingErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
