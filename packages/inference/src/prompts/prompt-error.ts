export type PromptErrorCode = 'invalid-budget';

/** A prompt problem the app reports before anything is sent to the model. */
export class PromptError extends Error {
  override readonly name = 'PromptError';
  constructor(
    readonly code: PromptErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
