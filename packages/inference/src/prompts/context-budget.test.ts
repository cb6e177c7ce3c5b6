import { describe, expect, it } from 'vitest';
import type { ChatMessage, TokenCount } from '../engine/types';
import { estimateTokenCount, planContext } from './context-budget';

/** One token per character plus four for the template's markup around each message, five once. */
const counter = {
  countTokens: (messages: ChatMessage[]): Promise<TokenCount> =>
    Promise.resolve({
      messages: messages.map((message) => message.content.length + 4),
      fixedTokens: 5,
      exact: true,
    }),
};
const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

// Each turn below costs 4 + 6 = 10 tokens; the system prompt 4 + 16 = 20; the prompt 5.
const SYSTEM = 'You review code.';
const TURNS = [
  user('q1----'),
  assistant('a1----'),
  user('q2----'),
  assistant('a2----'),
  user('q3----'),
];
const plan = (contextSize: number, systemPrompt: string | null = SYSTEM) =>
  planContext(counter, { systemPrompt, turns: TURNS, contextSize, answerTokens: 100 });

describe('planContext', () => {
  it('keeps everything when it fits, and says how much more the newest message may take', async () => {
    expect(await plan(200)).toEqual({
      kept: [{ role: 'system', content: SYSTEM }, ...TURNS],
      omitted: 0,
      totalTokens: 75,
      keptTokens: 75,
      // 200 - 100 for the answer - 5 - 20 - 10 for the newest message.
      freeTokens: 65,
      contextSize: 200,
      answerTokens: 100,
      exact: true,
    });
  });

  it('drops the oldest turns first and counts them', async () => {
    // 5 + 20 + q3, a2, q2 (30) = 55 within 155 - 100; a1 would make 65.
    const budget = await plan(155);
    expect(budget.kept.map((m) => m.content)).toEqual([SYSTEM, 'q2----', 'a2----', 'q3----']);
    expect(budget.omitted).toBe(2);
    expect(budget.keptTokens).toBe(55);
    expect(budget.totalTokens).toBe(75);
  });

  it('never starts the kept history with an answer whose question was dropped', async () => {
    // 5 + 20 + q3, a2 (20) = 45 within 150 - 100, but a2's question does not fit: a2 goes too.
    const budget = await plan(150);
    expect(budget.kept.map((m) => m.content)).toEqual([SYSTEM, 'q3----']);
    expect(budget.omitted).toBe(4);
    expect(budget.keptTokens).toBe(35);
    // Likewise a1 with room for it but not for q1.
    expect((await plan(165)).kept.map((m) => m.content)).toEqual([
      SYSTEM,
      'q2----',
      'a2----',
      'q3----',
    ]);
  });

  it('says by how many tokens the newest message is too long, and never cuts it', async () => {
    // Without a system prompt the newest message needs 5 + 10 of the 114 - 100 free: one too many.
    const budget = await plan(114, null);
    expect(budget.freeTokens).toBe(-1);
    expect(budget.kept).toEqual([TURNS[4]]);
    expect((await plan(115, null)).freeTokens).toBe(0);
  });

  it('refuses a budget that is not a whole number of tokens', async () => {
    await expect(plan(0)).rejects.toMatchObject({ code: 'invalid-budget' });
  });
});

describe('estimateTokenCount', () => {
  it('counts three characters a token and eight for the markup, and says it is an estimate', () => {
    expect(estimateTokenCount([user('x'.repeat(30)), assistant('')])).toEqual({
      messages: [18, 8],
      fixedTokens: 8,
      exact: false,
    });
  });
});
