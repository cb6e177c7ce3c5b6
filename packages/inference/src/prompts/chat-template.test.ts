import { ensureTinyModel } from '@codeface/inference/fixtures';
import { describe, expect, it } from 'vitest';
import { renderChatPrompt } from './chat-template';

describe('renderChatPrompt', () => {
  it("formats a chat with the template stored in the model's GGUF", async () => {
    const rendered = await renderChatPrompt({
      modelPath: await ensureTinyModel(),
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is 2+2?' },
        { role: 'assistant', content: '4' },
        { role: 'user', content: 'And 3+3?' },
      ],
    });
    // The fixture's template is ChatML, which node-llama-cpp recognises.
    expect(rendered.wrapper).toBe('ChatML');
    expect(rendered.text).toContain(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n' +
        '<|im_start|>assistant\n4<|im_end|>\n<|im_start|>user\nAnd 3+3?<|im_end|>\n',
    );
    expect(rendered.text.endsWith('<|im_start|>assistant\n')).toBe(true);
  });
});
