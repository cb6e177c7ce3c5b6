import { describe, expect, it } from 'vitest';
import type { Message } from '../schemas';
import { fitToContext } from './context-budget';

const message = (index: number, content: string): Message => ({
  id: `m${index}`,
  chatId: 'c',
  parentId: index === 0 ? null : `m${index - 1}`,
  role: index % 2 === 0 ? 'user' : 'assistant',
  content,
  status: 'done',
  model: null,
  tokens: null,
  ttftMs: null,
  tokensPerSecond: null,
  createdAt: index,
});

describe('fitToContext', () => {
  it('keeps the system prompt and the newest turns, and counts what it left out', () => {
    const history = Array.from({ length: 9 }, (_, index) => message(index, 'x'.repeat(300)));
    const fitted = fitToContext({
      systemPrompt: 'Be brief.',
      history,
      contextSize: 1024,
      maxTokens: 256,
    });
    expect(fitted.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(fitted.messages.at(-1)?.content).toBe(history.at(-1)?.content);
    expect(fitted.omitted).toBeGreaterThan(0);
    expect(fitted.messages.length + fitted.omitted).toBe(history.length + 1);
    // A kept history never starts with an answer whose question was dropped.
    expect(fitted.messages[1]?.role).toBe('user');
  });

  it("counts an answer's generated tokens, not an estimate from its length", () => {
    // 300 symbols the tokenizer split into 1,600 tokens: estimated at three characters a token,
    // the whole history would seem to fit a 2,048-token window.
    const answer = { ...message(1, '<;'.repeat(150)), tokens: 1600 };
    const history = [message(0, 'Write a long answer'), answer, message(2, 'And a short one')];
    const fitted = fitToContext({ systemPrompt: null, history, contextSize: 2048, maxTokens: 512 });
    expect(fitted.omitted).toBe(2);
    expect(fitted.messages).toEqual([{ role: 'user', content: 'And a short one' }]);
    // The same answer with room for it is kept.
    expect(
      fitToContext({ systemPrompt: null, history, contextSize: 4096, maxTokens: 512 }).omitted,
    ).toBe(0);
  });

  it('sends everything when the engine does not say how large its context is', () => {
    const history = [message(0, 'hello')];
    expect(
      fitToContext({ systemPrompt: null, history, contextSize: null, maxTokens: 256 }),
    ).toEqual({
      messages: [{ role: 'user', content: 'hello' }],
      omitted: 0,
    });
  });

  it('refuses a message that cannot fit with a message that says what to do', () => {
    const history = [message(0, 'x'.repeat(30_000))];
    expect(() =>
      fitToContext({ systemPrompt: null, history, contextSize: 2048, maxTokens: 256 }),
    ).toThrow(/too long for the model's context window of 2,048 tokens/);
  });
});
