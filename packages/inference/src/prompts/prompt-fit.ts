import { PromptError } from './prompt-error';

export type PromptFitInput = {
  /** Tokens of the whole prompt as the model will see it (chat template applied). */
  promptTokens: number;
  contextSize: number;
  /** Room kept for the answer; a prompt that leaves less than this does not fit. */
  answerTokens: number;
};

export type PromptFitCheck =
  | {
      fits: true;
      promptTokens: number;
      answerTokens: number;
      contextSize: number;
      spareTokens: number;
    }
  | {
      fits: false;
      reason: 'prompt-too-long';
      promptTokens: number;
      answerTokens: number;
      contextSize: number;
      /** How many prompt tokens must go for the prompt and the answer to fit. */
      overflowTokens: number;
    };

function assertCount(name: string, value: number, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum) {
    throw new PromptError(
      'invalid-budget',
      `${name} must be a whole number ≥ ${minimum}; got ${value}.`,
      { [name]: value },
    );
  }
}

/**
 * Says whether a prompt and the room for its answer fit the context window. The engine never
 * cuts a prompt down by itself: the caller checks first and tells the person what to drop.
 */
export function checkPromptFits(input: PromptFitInput): PromptFitCheck {
  assertCount('promptTokens', input.promptTokens, 0);
  assertCount('contextSize', input.contextSize, 1);
  assertCount('answerTokens', input.answerTokens, 0);
  const spare = input.contextSize - input.promptTokens - input.answerTokens;
  if (spare >= 0) return { fits: true, ...input, spareTokens: spare };
  return { fits: false, reason: 'prompt-too-long', ...input, overflowTokens: -spare };
}

/** The throwing form of {@link checkPromptFits}, for code paths that must not send at all. */
export function assertPromptFits(input: PromptFitInput): void {
  const check = checkPromptFits(input);
  if (!check.fits) {
    throw new PromptError(
      'prompt-too-long',
      `The prompt needs ${check.promptTokens} tokens and the answer ${check.answerTokens}, but the context holds ${check.contextSize}: remove ${check.overflowTokens} tokens or use a larger context.`,
      { ...check },
    );
  }
}
