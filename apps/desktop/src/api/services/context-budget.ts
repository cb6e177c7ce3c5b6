import { fitTurnsToBudget, PromptError } from '@codeface/inference';
import { AppError } from '../errors';
import type { Message } from '../schemas';
import type { EngineMessage } from './ports';

/**
 * Tokens a message is assumed to take: code averages about three characters a token in the
 * tokenizers of the catalog's models, plus the chat template's few tokens per turn. The engine
 * does not expose its tokenizer to the app, so this errs on the generous side.
 */
export function estimateTokens(message: EngineMessage): number {
  return Math.ceil(message.content.length / 3) + 8;
}

/**
 * Keeps the system prompt and the newest turns that fit the context window with room for the
 * answer (the inference package's token budget), and says how many older ones were left out.
 */
export function fitToContext(input: {
  systemPrompt: string | null;
  history: Pick<Message, 'role' | 'content'>[];
  contextSize: number | null;
  maxTokens: number;
}): { messages: EngineMessage[]; omitted: number } {
  const turns: EngineMessage[] = input.history
    .filter((message) => message.role !== 'system')
    .map((message) => ({ role: message.role, content: message.content }));
  const system: EngineMessage[] = input.systemPrompt
    ? [{ role: 'system', content: input.systemPrompt }]
    : [];
  if (input.contextSize === null) return { messages: [...system, ...turns], omitted: 0 };
  try {
    const budget = fitTurnsToBudget({
      systemPrompt: input.systemPrompt,
      turns,
      countTokens: estimateTokens,
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
