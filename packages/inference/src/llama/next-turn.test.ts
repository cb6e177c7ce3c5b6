import { getLlama, LlamaLogLevel, resolveChatWrapper } from 'node-llama-cpp';
import type { LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../fixtures/index';
import type { ChatMessage } from '../engine/types';
import { nextTurnPrefix, withAnswer } from './next-turn';

describe('withAnswer', () => {
  it('appends the answer as an assistant message', () => {
    expect(withAnswer([{ role: 'user', content: 'q' }], 'a')).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
    ]);
  });

  it('continues a trailing assistant message', () => {
    expect(
      withAnswer(
        [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'par' },
        ],
        'tial',
      ),
    ).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'partial' },
    ]);
  });
});

describe('nextTurnPrefix on the tiny ChatML model', () => {
  let model: LlamaModel;

  beforeAll(async () => {
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: await ensureTinyModel() });
  }, 60_000);
  afterAll(() => model.dispose());

  it('is the conversation, the end of the answer and the next user header, nothing more', () => {
    const chatWrapper = resolveChatWrapper(model);
    const messages: ChatMessage[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ];
    const prefix = nextTurnPrefix({ chatWrapper, tokenizer: model.tokenizer, messages });
    const next = chatWrapper
      .generateContextState({
        chatHistory: [
          { type: 'user', text: 'hi' },
          { type: 'model', response: ['hello'] },
          { type: 'user', text: 'xyz' },
          { type: 'model', response: [] },
        ],
      })
      .contextText.tokenize(model.tokenizer);
    expect(next.slice(0, prefix.length)).toEqual(prefix);
    expect(model.detokenize(prefix, true)).toMatch(/hello<\|im_end\|>\n<\|im_start\|>user\n$/);
  });
});
