import { describe, expect, it } from 'vitest';
import { PromptError } from './prompt-error';
import { assertPromptFits, checkPromptFits } from './prompt-fit';

describe('checkPromptFits', () => {
  it('fits when the prompt leaves room for the answer', () => {
    expect(checkPromptFits({ promptTokens: 3000, answerTokens: 1000, contextSize: 4096 })).toEqual({
      fits: true,
      promptTokens: 3000,
      answerTokens: 1000,
      contextSize: 4096,
      spareTokens: 96,
    });
  });

  it('says how much is too much instead of truncating', () => {
    const check = checkPromptFits({ promptTokens: 3500, answerTokens: 1000, contextSize: 4096 });
    expect(check).toMatchObject({ fits: false, reason: 'prompt-too-long', overflowTokens: 404 });
    expect(() =>
      assertPromptFits({ promptTokens: 3500, answerTokens: 1000, contextSize: 4096 }),
    ).toThrow(/remove 404 tokens/);
  });

  it('fits exactly at the edge', () => {
    expect(
      checkPromptFits({ promptTokens: 3096, answerTokens: 1000, contextSize: 4096 }).fits,
    ).toBe(true);
    expect(
      checkPromptFits({ promptTokens: 3097, answerTokens: 1000, contextSize: 4096 }).fits,
    ).toBe(false);
  });

  it.each([
    { promptTokens: Number.NaN, answerTokens: 1, contextSize: 10 },
    { promptTokens: 1, answerTokens: -1, contextSize: 10 },
    { promptTokens: 1, answerTokens: 1, contextSize: 0 },
  ])('rejects nonsense counts %o', (input) => {
    expect(() => checkPromptFits(input)).toThrow(PromptError);
  });
});
