import { getLlama, resolveChatWrapper } from 'node-llama-cpp';
import type {
  ChatWrapper,
  ChatWrapperGenerateContextStateOptions,
  LlamaModel,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../fixtures/index';
import type { ChatMessage } from '../engine/types';
import { promptTokens, rememberingRenders, toChatHistory } from './chat-history';

describe('toChatHistory', () => {
  it('maps roles onto chat history and opens the answer after a user message', () => {
    expect(
      toChatHistory([
        { role: 'system', content: 's' },
        { role: 'user', content: 'u' },
      ]),
    ).toEqual([
      { type: 'system', text: 's' },
      { type: 'user', text: 'u' },
      { type: 'model', response: [] },
    ]);
  });

  it('continues a trailing assistant message instead of opening a new answer', () => {
    expect(
      toChatHistory([
        { role: 'user', content: 'u' },
        { role: 'assistant', content: 'a' },
      ]),
    ).toEqual([
      { type: 'user', text: 'u' },
      { type: 'model', response: ['a'] },
    ]);
  });
});

describe('rememberingRenders', () => {
  let model: LlamaModel;
  let template: ChatWrapper;

  beforeAll(async () => {
    const llama = await getLlama({ gpu: false, build: 'never' });
    model = await llama.loadModel({ modelPath: await ensureTinyModel(), vocabOnly: true });
    template = resolveChatWrapper(model);
  });
  afterAll(() => model.dispose());

  /** The model's own chat wrapper, counting the renders that reach it. */
  function countingRenders(): { wrapper: ChatWrapper; renders: () => number } {
    let renders = 0;
    const wrapper = new Proxy(template, {
      get: (target, property, receiver) =>
        property === 'generateContextState'
          ? (options: ChatWrapperGenerateContextStateOptions) => {
              renders++;
              return target.generateContextState(options);
            }
          : Reflect.get(target, property, receiver),
    });
    return { wrapper, renders: () => renders };
  }

  const draft = (content: string): ChatMessage[] => [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content },
  ];

  it('renders a prompt once and gives the same tokens as the plain wrapper', () => {
    const counting = countingRenders();
    const remembering = rememberingRenders(counting.wrapper);
    const expected = promptTokens(template, model.tokenizer, draft('hello'));
    expect(promptTokens(remembering, model.tokenizer, draft('hello'))).toEqual(expected);
    expect(promptTokens(remembering, model.tokenizer, draft('hello'))).toEqual(expected);
    expect(counting.renders()).toBe(1);
    // LlamaChat's own call passes the optional fields as undefined: still the same prompt.
    remembering.generateContextState({
      chatHistory: toChatHistory(draft('hello')),
      availableFunctions: undefined,
      documentFunctionParams: undefined,
    });
    expect(counting.renders()).toBe(1);
  });

  it('renders a changed prompt anew', () => {
    const counting = countingRenders();
    const remembering = rememberingRenders(counting.wrapper);
    const first = promptTokens(remembering, model.tokenizer, draft('o'));
    const second = promptTokens(remembering, model.tokenizer, draft('ok'));
    expect(second).not.toEqual(first);
    expect(second).toEqual(promptTokens(template, model.tokenizer, draft('ok')));
    expect(counting.renders()).toBe(2);
  });

  it('hands every caller its own copy of the tokens', () => {
    const remembering = rememberingRenders(template);
    const tokens = promptTokens(remembering, model.tokenizer, draft('copy'));
    const length = tokens.length;
    tokens.pop();
    expect(promptTokens(remembering, model.tokenizer, draft('copy'))).toHaveLength(length);
  });

  it('forgets the least recently used prompt once eight are kept', () => {
    const counting = countingRenders();
    const remembering = rememberingRenders(counting.wrapper);
    for (let index = 0; index < 8; index++) {
      promptTokens(remembering, model.tokenizer, draft(`message ${index}`));
    }
    // Using the oldest again makes "message 1" the least recently used.
    promptTokens(remembering, model.tokenizer, draft('message 0'));
    promptTokens(remembering, model.tokenizer, draft('message 8'));
    expect(counting.renders()).toBe(9);
    promptTokens(remembering, model.tokenizer, draft('message 0'));
    expect(counting.renders()).toBe(9);
    promptTokens(remembering, model.tokenizer, draft('message 1'));
    expect(counting.renders()).toBe(10);
  });
});
