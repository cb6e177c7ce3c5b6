import { planContext } from '@codeface/inference';
import type { ContextPlan } from '@codeface/inference';
import { AppError } from '../errors';
import type { ContextBudget, Message } from '../schemas';
import type { ChatEngine, EngineMessage } from './ports';

/**
 * The window assumed while no model is loaded and Settings leaves its size to the engine: the
 * context size llama.cpp and most servers start with. The meter is then an estimate anyway
 * (`exact: false`), and nothing can be sent until a model is loaded and says its real size.
 */
export const ASSUMED_CONTEXT_TOKENS = 4096;

/**
 * Tokens kept for the answer: the longest answer allowed, but never more than a quarter of the
 * window, so that a small window still holds a conversation.
 */
export const answerReserve = (contextSize: number, maxAnswerTokens: number): number =>
  Math.min(maxAnswerTokens, Math.floor(contextSize / 4));

/**
 * What of this history is sent for the next answer: the inference package's `planContext`,
 * counted by the loaded model's tokenizer (the documented estimate without one). The send and the
 * context meter both come here, so they cannot disagree.
 */
export function planTurn(
  engine: Pick<ChatEngine, 'countTokens'>,
  input: {
    systemPrompt: string | null;
    history: Pick<Message, 'role' | 'content'>[];
    contextSize: number;
    maxAnswerTokens: number;
  },
): Promise<ContextPlan> {
  const turns: EngineMessage[] = input.history
    .filter((message) => message.role !== 'system')
    .map((message) => ({ role: message.role, content: message.content }));
  return planContext(engine, {
    systemPrompt: input.systemPrompt,
    turns,
    contextSize: input.contextSize,
    answerTokens: answerReserve(input.contextSize, input.maxAnswerTokens),
  });
}

/** The plan as the context meter shows it. */
export const toContextBudget = (plan: ContextPlan): ContextBudget => ({
  usedTokens: plan.totalTokens,
  windowTokens: plan.contextSize,
  answerTokens: plan.answerTokens,
  freeTokens: plan.freeTokens,
  droppedTurns: plan.omitted,
  exact: plan.exact,
});

/** Refuses a turn whose newest message does not fit, in a sentence that says what to do. */
export function assertFits(plan: ContextPlan): void {
  if (plan.freeTokens >= 0) return;
  const over = -plan.freeTokens;
  throw new AppError(
    'prompt-too-long',
    `This message is ${over.toLocaleString('en')} ${over === 1 ? 'token' : 'tokens'} too long for the model's context window of ${plan.contextSize.toLocaleString('en')} tokens (${plan.answerTokens.toLocaleString('en')} are kept for the answer). Shorten it, or raise the context size in Settings.`,
    {
      neededTokens: plan.contextSize - plan.answerTokens - plan.freeTokens,
      availableTokens: plan.contextSize - plan.answerTokens,
      contextSize: plan.contextSize,
      answerTokens: plan.answerTokens,
    },
  );
}
