import { describe, expect, it } from 'vitest';
import { computeContextBudget } from './contextBudget';

describe('computeContextBudget', () => {
  it('keeps everything when the conversation fits', () => {
    const budget = computeContextBudget({
      turns: [{ content: 'x'.repeat(400) }, { content: 'y'.repeat(400) }],
      systemPrompt: '',
      windowTokens: 1000,
      replyReserve: 200,
    });
    expect(budget).toMatchObject({ usedTokens: 200, droppedTurns: 0, fraction: 0.2 });
  });

  it('drops the oldest turns that do not fit beside the reply reserve', () => {
    const budget = computeContextBudget({
      turns: [
        { content: '', tokens: 300 },
        { content: '', tokens: 300 },
        { content: '', tokens: 300 },
      ],
      systemPrompt: 's'.repeat(400),
      windowTokens: 1000,
      replyReserve: 200,
    });
    // 1000 − 200 reserve − 100 system leaves 700: the newest two turns fit, the oldest does not.
    expect(budget.droppedTurns).toBe(1);
    expect(budget.usedTokens).toBe(1000);
  });
});
