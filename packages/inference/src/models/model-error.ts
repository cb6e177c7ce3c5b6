/**
 * Reasons a model operation can fail. Each is a case the app shows to a person with a way
 * forward (pick another file, free disk space, retry), so they are codes, not messages.
 */
export type ModelErrorCode =
  | 'catalog-invalid'
  | 'not-found'
  | 'not-gguf'
  | 'unreadable-gguf'
  | 'unsupported-architecture'
  | 'download-http'
  | 'download-insufficient-disk'
  | 'download-checksum-mismatch'
  | 'download-size-mismatch'
  | 'download-cancelled'
  | 'download-in-progress'
  | 'download-stalled'
  | 'download-write-failed'
  | 'invalid-context-size'
  | 'prompt-too-long';

/** The message is for the host's log; the app writes its own for people from `code` and `data`. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
