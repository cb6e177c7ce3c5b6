import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { ComponentProps } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../types';
import { firstCodeBlock } from './firstCodeBlock';
import { QuickAsk, quickQuestion } from './QuickAsk';

afterEach(cleanup);

const answer = (content: string, status: ChatMessage['status'] = 'done'): ChatMessage => ({
  id: 'a1',
  chatId: 'c1',
  parentId: 'u1',
  role: 'assistant',
  content,
  status,
  createdAt: 0,
  completionTokens: 12,
  timeToFirstTokenMs: 80,
  tokensPerSecond: 41.5,
  stopReason: 'eos',
});

function setup(overrides: Partial<ComponentProps<typeof QuickAsk>> = {}) {
  const props = {
    question: null,
    answer: null,
    streaming: false,
    context: [{ kind: 'clipboard' as const, text: 'function add(a, b) {\n  return a + b;\n}' }],
    onRemoveContext: vi.fn(),
    presets: [
      {
        id: 'explain',
        name: 'Explain',
        systemPrompt: 'Explain.',
        maxAnswerTokens: null,
        builtin: true,
      },
      { id: 'fix', name: 'Fix', systemPrompt: 'Fix.', maxAnswerTokens: null, builtin: true },
    ],
    preset: null,
    onPresetChange: vi.fn(),
    modelName: 'Qwen2.5 Coder 7B',
    noModel: null,
    onAsk: vi.fn(),
    onDraftChange: vi.fn(),
    onStop: vi.fn(),
    onContinue: null,
    onCopyCode: vi.fn(),
    onDismiss: vi.fn(),
    ...overrides,
  };
  render(<QuickAsk {...props} />);
  return { ...props, input: screen.getByTestId('quick-ask-input') };
}

describe('QuickAsk', () => {
  it('asks on Enter, tells the host each draft, and grows the input with its lines', () => {
    const { onAsk, onDraftChange, input } = setup();
    expect(input.getAttribute('rows')).toBe('1');
    fireEvent.change(input, { target: { value: 'what\ndoes\nthis do?' } });
    expect(onDraftChange).toHaveBeenLastCalledWith('what\ndoes\nthis do?');
    expect(input.getAttribute('rows')).toBe('3');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onAsk).toHaveBeenCalledWith('what\ndoes\nthis do?');
  });

  it('shows what will be sent as a chip that can be removed', () => {
    const { onRemoveContext } = setup();
    const chip = screen.getByTestId('quick-context-clipboard');
    expect(chip.textContent).toContain('function add(a, b) {');
    expect(chip.textContent).toContain('3 lines');
    fireEvent.click(screen.getByLabelText('Do not send the clipboard'));
    expect(onRemoveContext).toHaveBeenCalledWith('clipboard');
  });

  it('turns a preset on and off', () => {
    const on = setup();
    fireEvent.click(screen.getByTestId('quick-preset-fix'));
    expect(on.onPresetChange).toHaveBeenCalledWith('fix');
    cleanup();
    const off = setup({ preset: 'fix' });
    expect(screen.getByTestId('quick-preset-fix').getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByTestId('quick-preset-fix'));
    expect(off.onPresetChange).toHaveBeenCalledWith(null);
  });

  it('hides on Esc and leaves a streaming answer running', () => {
    const { onStop, onDismiss, input } = setup({
      streaming: true,
      answer: answer('Partly wri', 'streaming'),
    });
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(onDismiss).toHaveBeenCalled();
    expect(onStop).not.toHaveBeenCalled();
  });

  it('copies the first code block on Ctrl+Enter, and says so when there is none', () => {
    const { onCopyCode, onAsk, input } = setup({
      answer: answer('Use this:\n\n```ts\nconst x = 1;\n```\n\n```sh\nnpm test\n```\n'),
    });
    fireEvent.change(input, { target: { value: 'typed but not sent' } });
    fireEvent.keyDown(input, { key: 'Enter', ctrlKey: true });
    expect(onCopyCode).toHaveBeenCalledWith('const x = 1;');
    expect(onAsk).not.toHaveBeenCalled();
    cleanup();
    const prose = setup({ answer: answer('Only words.') });
    fireEvent.keyDown(prose.input, { key: 'Enter', ctrlKey: true });
    expect(prose.onCopyCode).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe('The answer has no code block to copy.');
  });

  it('draws the answer as Markdown once its renderer, loaded after the input, has arrived', async () => {
    setup({ question: 'What is it?', answer: answer('It is **bold**.') });
    expect(screen.getByTestId('quick-ask-input')).toBeDefined();
    const bold = await screen.findByText('bold');
    expect(bold.tagName).toBe('STRONG');
    expect(screen.queryByLabelText('Loading the answer')).toBeNull();
  });

  it("shows the model's name and the answer's speed", () => {
    setup({ answer: answer('Done.') });
    expect(screen.getByTestId('quick-ask-model').textContent).toBe('Qwen2.5 Coder 7B');
    expect(screen.getByTestId('generation-stats').textContent).toContain('41.5 tok/s');
  });

  it('with no model loaded, says so and offers the last one instead of asking', () => {
    const onLoad = vi.fn();
    const { onAsk, input } = setup({
      modelName: null,
      noModel: { lastModelName: 'Tiny Coder', loading: false, onLoad },
    });
    expect(screen.getByTestId('quick-ask-no-model').textContent).toContain('No model is loaded.');
    fireEvent.click(screen.getByTestId('quick-ask-load-last'));
    expect(onLoad).toHaveBeenCalled();
    fireEvent.change(input, { target: { value: 'hello' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onAsk).not.toHaveBeenCalled();
    cleanup();
    setup({ modelName: null, noModel: { lastModelName: null, loading: false, onLoad } });
    expect(screen.queryByTestId('quick-ask-load-last')).toBeNull();
    expect(screen.getByTestId('quick-ask-no-model').textContent).toContain('Models');
  });
});

describe('quickQuestion', () => {
  it('appends each context as a code block that its own fences cannot close', () => {
    const clip = (text: string) => ({ kind: 'clipboard' as const, text });
    expect(quickQuestion('explain', [])).toBe('explain');
    expect(quickQuestion('explain', [clip('  ')])).toBe('explain');
    expect(quickQuestion('explain', [clip('a()')])).toBe('explain\n\n```\na()\n```');
    expect(quickQuestion('explain', [clip('```x```')])).toBe('explain\n\n````\n```x```\n````');
    expect(
      quickQuestion('fix', [{ kind: 'selection', text: 'b' }, clip('`````\nc')]).split('\n\n'),
    ).toEqual(['fix', '```\nb\n```', '``````\n`````\nc\n``````']);
  });
});

describe('firstCodeBlock', () => {
  it('takes the first fence, a longer fence, or the code so far of an open one', () => {
    expect(firstCodeBlock('no code')).toBeNull();
    expect(firstCodeBlock('a\n```js\none\ntwo\n```\n```\nsecond\n```')).toBe('one\ntwo');
    expect(firstCodeBlock('````md\n```\ninner\n```\n````')).toBe('```\ninner\n```');
    expect(firstCodeBlock('~~~\nstill streaming')).toBe('still streaming');
    expect(firstCodeBlock('```\r\nwindows\r\n```')).toBe('windows');
  });
});
