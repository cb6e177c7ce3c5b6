import type { ChatMessage } from '../engine';
import { PromptError } from './prompt-error';

export type TokenBudgetInput = {
  /** Kept whatever happens; null for none. */
  systemPrompt: string | null;
  /** The conversation, oldest first; the last one is the message being sent. */
  turns: readonly ChatMessage[];
  /** Tokens a message takes in the prompt, chat-template markup included. */
  countTokens: (message: ChatMessage) => number;
  contextSize: number;
  /** Room left for the answer. */
  answerTokens: number;
  /** Tokens the template adds once per prompt (e.g. the assistant header the answer follows). */
  fixedTokens?: number;
};

export type TokenBudget = {
  /** What to send: the system prompt, then the newest turns that fit, oldest first. */
  kept: ChatMessage[];
  /** Older turns left out, oldest first; the app shows that they were. */
  omitted: ChatMessage[];
  tokensUsed: number;
  contextSize: number;
};

function assertWhole(name: string, value: number, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum) {
    throw new PromptError(
      'invalid-budget',
      `${name} must be a whole number ≥ ${minimum}; got ${value}.`,
      { [name]: value },
    );
  }
}

/**
 * Fits a conversation into the context window: the system prompt and the newest turns stay,
 * the oldest go first, and the answer keeps its room. Turns are dropped as a contiguous
 * prefix (never one from the middle) and a kept history never starts with an assistant reply
 * whose question was dropped. When even the system prompt and the newest message do not fit,
 * nothing is cut: it is a `prompt-too-long` error the person must act on.
 */
export function fitTurnsToBudget(input: TokenBudgetInput): TokenBudget {
  const { turns, countTokens, contextSize, answerTokens } = input;
  const fixedTokens = input.fixedTokens ?? 0;
  assertWhole('contextSize', contextSize, 1);
  assertWhole('answerTokens', answerTokens, 0);
  assertWhole('fixedTokens', fixedTokens, 0);
  const system: ChatMessage | null =
    input.systemPrompt === null ? null : { role: 'system', content: input.systemPrompt };
  const limit = contextSize - answerTokens;
  let used = fixedTokens + (system ? countTokens(system) : 0);
  const newest = turns.at(-1);
  if (newest) {
    const needed = used + countTokens(newest);
    if (needed > limit) {
      throw new PromptError(
        'prompt-too-long',
        `The message and system prompt need ${needed} tokens but only ${limit} are free after keeping ${answerTokens} for the answer: shorten the message or use a larger context.`,
        { neededTokens: needed, availableTokens: limit, contextSize, answerTokens },
      );
    }
  }
  let firstKept = turns.length;
  for (let index = turns.length - 1; index >= 0; index -= 1) {
    const turn = turns[index];
    if (!turn) break;
    const cost = countTokens(turn);
    if (used + cost > limit) break;
    used += cost;
    firstKept = index;
  }
  while (firstKept < turns.length - 1 && turns[firstKept]?.role === 'assistant') {
    const dropped = turns[firstKept];
    if (dropped) used -= countTokens(dropped);
    firstKept += 1;
  }
  return {
    kept: [...(system ? [system] : []), ...turns.slice(firstKept)],
    omitted: turns.slice(0, firstKept),
    tokensUsed: used,
    contextSize,
  };
}
