import { ensureTinyModel } from '@codeface/inference/fixtures';
import { getLlama } from 'node-llama-cpp';
import type { Llama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../engine';
import { createModelTokenCounter } from './model-token-counter';
import type { ModelTokenCounter } from './model-token-counter';
import { fitTurnsToBudget } from './token-budget';

let llama: Llama;
let counter: ModelTokenCounter;

beforeAll(async () => {
  llama = await getLlama({ gpu: false, build: 'never' });
  counter = await createModelTokenCounter({ llama, modelPath: await ensureTinyModel() });
});
afterAll(() => counter.dispose());

const chat: ChatMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'What does `x ?? y` do?' },
  { role: 'assistant', content: 'It returns y when x is null or undefined.' },
  { role: 'user', content: 'And `x || y`?' },
];

describe('createModelTokenCounter', () => {
  it("counts with the model's vocabulary and chat template", () => {
    // The fixture's vocabulary is bytes plus the ChatML markers, so content costs a token a byte.
    const content = 'hello';
    const longer = 'hello, world';
    const cost = (text: string) => counter.countMessage({ role: 'user', content: text });
    expect(cost(longer) - cost(content)).toBe(longer.length - content.length);
    // The markup around a message (<|im_start|>user\n … <|im_end|>\n) costs tokens too.
    expect(cost(content)).toBeGreaterThan(content.length);
    expect(counter.fixedTokens).toBeGreaterThan(0);
  });

  it('adds up per message to the whole prompt, so the budget matches what is sent', () => {
    const total = chat.reduce((sum, m) => sum + counter.countMessage(m), counter.fixedTokens);
    expect(counter.countPrompt(chat)).toBe(total);

    const [system, ...turns] = chat;
    const budget = fitTurnsToBudget({
      systemPrompt: system?.content ?? null,
      turns,
      countTokens: counter.countMessage,
      fixedTokens: counter.fixedTokens,
      contextSize: 4096,
      answerTokens: 512,
    });
    expect(budget.tokensUsed).toBe(counter.countPrompt(budget.kept));
  });

  it('refuses a file that is not a model before llama.cpp sees it', async () => {
    await expect(
      createModelTokenCounter({ llama, modelPath: import.meta.filename }),
    ).rejects.toMatchObject({ code: 'not-gguf' });
  });
});
