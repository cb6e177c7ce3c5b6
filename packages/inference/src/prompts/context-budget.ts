import type { ChatMessage, Engine, TokenCount } from '../engine/types';
import { PromptError } from './prompt-error';

/**
 * The estimate used where no model's tokenizer is at hand (none loaded yet, or a remote one):
 * code averages about three characters a token in the tokenizers of the catalog's models, and a
 * chat template puts a few tokens around each message (`<|im_start|>user\n … <|im_end|>\n` is
 * five to eight). It errs on the generous side, so that an estimate says "too long" before the
 * model would.
 */
export const ESTIMATED_CHARS_PER_TOKEN = 3;
export const ESTIMATED_MARKUP_TOKENS = 8;

/** The documented estimate of `Engine.countTokens`, for engines without the model's tokenizer. */
export function estimateTokenCount(messages: readonly ChatMessage[]): TokenCount {
  return {
    messages: messages.map(
      (message) =>
        Math.ceil(message.content.length / ESTIMATED_CHARS_PER_TOKEN) + ESTIMATED_MARKUP_TOKENS,
    ),
    fixedTokens: ESTIMATED_MARKUP_TOKENS,
    exact: false,
  };
}

export type ContextPlanInput = {
  /** Kept whatever happens; null for none. */
  systemPrompt: string | null;
  /** The conversation, oldest first; the last one is the message being sent. */
  turns: readonly ChatMessage[];
  contextSize: number;
  /** Room kept for the answer. */
  answerTokens: number;
};

export type ContextPlan = {
  /** What to send: the system prompt, then the newest turns that fit, oldest first. */
  kept: ChatMessage[];
  /** How many older turns were left out (the oldest, as one run). */
  omitted: number;
  /** Tokens of the whole conversation, left-out turns included: how full it makes the window. */
  totalTokens: number;
  /** Tokens of what is sent. */
  keptTokens: number;
  /**
   * How many more tokens the newest message may take and still be sent: 0 when it fits exactly,
   * negative when it is that many tokens too long (then it must not be sent).
   */
  freeTokens: number;
  contextSize: number;
  answerTokens: number;
  /** Whether the counts are the model's own (`TokenCount.exact`). */
  exact: boolean;
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
 * The one context budget: what of a conversation fits the model's window with room for the
 * answer, counted by the engine (`countTokens`: the loaded model's tokenizer, else the documented
 * estimate). The app's refusal of a message and the context meter both come from here, so they
 * cannot disagree. The system prompt and the newest message always stay; older turns go oldest
 * first, as a contiguous run, and a kept history never starts with an answer whose question
 * was dropped. It never cuts the newest message: `freeTokens < 0` says it does not fit.
 */
export async function planContext(
  engine: Pick<Engine, 'countTokens'>,
  input: ContextPlanInput,
): Promise<ContextPlan> {
  const { turns, contextSize, answerTokens } = input;
  assertWhole('contextSize', contextSize, 1);
  assertWhole('answerTokens', answerTokens, 0);
  const system: ChatMessage[] =
    input.systemPrompt === null ? [] : [{ role: 'system', content: input.systemPrompt }];
  const count = await engine.countTokens([...system, ...turns]);
  const costs = count.messages.slice(system.length);
  const cost = (index: number): number => costs[index] ?? 0;
  const limit = contextSize - answerTokens;
  const fixed = count.fixedTokens + (system.length > 0 ? (count.messages[0] ?? 0) : 0);
  const newest = turns.length - 1;
  const needed = fixed + (newest >= 0 ? cost(newest) : 0);
  let used = needed;
  let firstKept = Math.max(newest, 0);
  for (let index = newest - 1; index >= 0; index -= 1) {
    if (used + cost(index) > limit) break;
    used += cost(index);
    firstKept = index;
  }
  while (firstKept < newest && turns[firstKept]?.role === 'assistant') {
    used -= cost(firstKept);
    firstKept += 1;
  }
  return {
    kept: [...system, ...turns.slice(firstKept)],
    omitted: firstKept,
    totalTokens: costs.reduce((sum, tokens) => sum + tokens, fixed),
    keptTokens: used,
    freeTokens: limit - needed,
    contextSize,
    answerTokens,
    exact: count.exact,
  };
}
