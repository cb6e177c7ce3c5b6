/**
 * How much of the model's context window a conversation fills. The inference package keeps the
 * system prompt and the newest turns and leaves out older ones; this mirrors that rule so the
 * meter can warn before it happens. Token counts are estimated at four characters per token
 * unless the caller knows better.
 */

export type BudgetTurn = { content: string; tokens?: number | null };

export type ContextBudget = {
  usedTokens: number;
  windowTokens: number;
  /** Share of the window the prompt fills, 0..1 (may exceed 1). */
  fraction: number;
  /** Oldest turns that will not fit beside the reply's reserved tokens. */
  droppedTurns: number;
  /**
   * Prompt tokens the last answer read back from the chat's state saved on disk instead of
   * evaluating them (the chat was reopened, or the app restarted); 0 or absent when none.
   */
  restoredTokens?: number;
};

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

export function computeContextBudget(options: {
  turns: readonly BudgetTurn[];
  systemPrompt: string;
  windowTokens: number;
  /** Tokens kept free for the answer. */
  replyReserve: number;
}): ContextBudget {
  const cost = (turn: BudgetTurn): number => turn.tokens ?? estimateTokens(turn.content);
  const system = estimateTokens(options.systemPrompt);
  const usedTokens = options.turns.reduce((sum, turn) => sum + cost(turn), system);
  let room = options.windowTokens - options.replyReserve - system;
  let kept = 0;
  for (let i = options.turns.length - 1; i >= 0; i--) {
    const turn = options.turns[i];
    if (!turn) break;
    room -= cost(turn);
    if (room < 0) break;
    kept++;
  }
  return {
    usedTokens,
    windowTokens: options.windowTokens,
    fraction: options.windowTokens > 0 ? usedTokens / options.windowTokens : 1,
    droppedTurns: options.turns.length - kept,
  };
}
