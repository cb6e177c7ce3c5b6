import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../engine';
import { fitTurnsToBudget } from './token-budget';

/** One token per character plus four for the template's markup around each message. */
const countTokens = (message: ChatMessage) => message.content.length + 4;
const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

// Each turn below costs 4 + 6 = 10 tokens; the system prompt 4 + 16 = 20.
const SYSTEM = 'You review code.';
const TURNS = [
  user('q1----'),
  assistant('a1----'),
  user('q2----'),
  assistant('a2----'),
  user('q3----'),
];

describe('fitTurnsToBudget', () => {
  it('keeps everything when it fits', () => {
    const budget = fitTurnsToBudget({
      systemPrompt: SYSTEM,
      turns: TURNS,
      countTokens,
      contextSize: 200,
      answerTokens: 100,
    });
    expect(budget).toEqual({
      kept: [{ role: 'system', content: SYSTEM }, ...TURNS],
      omitted: [],
      tokensUsed: 70,
      contextSize: 200,
    });
  });

  it('drops the oldest turns first and says which', () => {
    // 20 system + room for 3 turns of 10 = 50 within 150 - 100.
    const budget = fitTurnsToBudget({
      systemPrompt: SYSTEM,
      turns: TURNS,
      countTokens,
      contextSize: 150,
      answerTokens: 100,
    });
    expect(budget.kept).toEqual([{ role: 'system', content: SYSTEM }, ...TURNS.slice(2)]);
    expect(budget.omitted).toEqual(TURNS.slice(0, 2));
    expect(budget.tokensUsed).toBe(50);
  });

  it('never starts the kept history with an answer whose question was dropped', () => {
    // Room for 4 turns (60 = 20 + 40) would keep a1; it goes with its question.
    const budget = fitTurnsToBudget({
      systemPrompt: SYSTEM,
      turns: TURNS,
      countTokens,
      contextSize: 160,
      answerTokens: 100,
    });
    expect(budget.kept.map((m) => m.content)).toEqual([SYSTEM, 'q2----', 'a2----', 'q3----']);
    expect(budget.omitted.map((m) => m.content)).toEqual(['q1----', 'a1----']);
    expect(budget.tokensUsed).toBe(50);
  });

  it('counts the fixed template tokens and works without a system prompt', () => {
    const budget = fitTurnsToBudget({
      systemPrompt: null,
      turns: TURNS,
      countTokens,
      contextSize: 125,
      answerTokens: 100,
      fixedTokens: 5,
    });
    expect(budget.kept).toEqual([TURNS[4]]);
    expect(budget.omitted).toEqual(TURNS.slice(0, 4));
    expect(budget.tokensUsed).toBe(15);
  });

  it('refuses, rather than truncating, when the newest message itself does not fit', () => {
    expect(() =>
      fitTurnsToBudget({
        systemPrompt: SYSTEM,
        turns: [user('x'.repeat(500))],
        countTokens,
        contextSize: 512,
        answerTokens: 100,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'prompt-too-long',
        data: expect.objectContaining({ neededTokens: 524, availableTokens: 412 }),
      }),
    );
  });

  it('rejects a nonsense context size', () => {
    expect(() =>
      fitTurnsToBudget({
        systemPrompt: null,
        turns: TURNS,
        countTokens,
        contextSize: 0,
        answerTokens: 0,
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid-budget' }));
  });
});
