import { fitTurnsToBudget, PromptError } from '@codeface/inference';
import { AppError } from '../errors';
import type { Message } from '../schemas';
import type { EngineMessage } from './ports';

/** The chat template's few tokens around each turn. */
const TURN_MARKUP_TOKENS = 8;

/**
 * Tokens a message is assumed to take: code averages about three characters a token in the
 * tokenizers of the catalog's models, plus the chat template's few tokens per turn. The engine
 * does not expose its tokenizer to the app, so this errs on the generous side.
 */
export function estimateTokens(message: EngineMessage): number {
  return Math.ceil(message.content.length / 3) + TURN_MARKUP_TOKENS;
}

/**
 * Keeps the system prompt and the newest turns that fit the context window with room for the
 * answer (the inference package's token budget), and says how many older ones were left out.
 * An answer counts the tokens the engine generated for it, as the context meter does; only text
 * without a count is estimated. (Estimated, a 4,000-token answer of symbols came to 1,350, the
 * prompt overflowed the engine's window, and the meter had said older turns would be left out.)
 */
export function fitToContext(input: {
  systemPrompt: string | null;
  history: (Pick<Message, 'role' | 'content'> & { tokens?: number | null })[];
  contextSize: number | null;
  maxTokens: number;
}): { messages: EngineMessage[]; omitted: number } {
  const counted = new Map<EngineMessage, number>();
  const turns: EngineMessage[] = input.history
    .filter((message) => message.role !== 'system')
    .map((message) => {
      const turn: EngineMessage = { role: message.role, content: message.content };
      if (message.tokens) counted.set(turn, message.tokens + TURN_MARKUP_TOKENS);
      return turn;
    });
  const system: EngineMessage[] = input.systemPrompt
    ? [{ role: 'system', content: input.systemPrompt }]
    : [];
  if (input.contextSize === null) return { messages: [...system, ...turns], omitted: 0 };
  try {
    const budget = fitTurnsToBudget({
      systemPrompt: input.systemPrompt,
      turns,
      countTokens: (turn) => counted.get(turn) ?? estimateTokens(turn),
      contextSize: input.contextSize,
      answerTokens: Math.min(input.maxTokens, Math.floor(input.contextSize / 4)),
    });
    return { messages: budget.kept, omitted: budget.omitted.length };
  } catch (error) {
    if (error instanceof PromptError && error.code === 'prompt-too-long') {
      throw new AppError(
        'prompt-too-long',
        `This message is too long for the model's context window of ${input.contextSize.toLocaleString('en')} tokens. Shorten it, or raise the context size in Settings.`,
        error.data,
      );
    }
    throw error;
  }
}
