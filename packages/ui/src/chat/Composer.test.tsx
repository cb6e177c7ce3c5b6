import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Composer } from './Composer';

afterEach(cleanup);

const presets = [
  { id: 'fix', name: 'Fix', systemPrompt: 'Fix the bug.', maxAnswerTokens: null, builtin: true },
  {
    id: 'tests',
    name: 'Write tests',
    systemPrompt: 'Write tests.',
    maxAnswerTokens: null,
    builtin: true,
  },
];

function setup(
  props: {
    streaming?: boolean;
    maxChars?: number;
    status?: string | null;
    blockedReason?: string | null;
  } = {},
) {
  const onSend = vi.fn();
  const onStop = vi.fn();
  const onPresetChange = vi.fn();
  const onDraftChange = vi.fn();
  render(
    <Composer
      streaming={props.streaming ?? false}
      presets={presets}
      activePresetId="fix"
      onPresetChange={onPresetChange}
      onSend={onSend}
      onDraftChange={onDraftChange}
      onStop={onStop}
      maxChars={props.maxChars}
      status={props.status}
      blockedReason={props.blockedReason}
    />,
  );
  const input = screen.getByTestId('composer-input') as HTMLTextAreaElement;
  return { onSend, onStop, onPresetChange, onDraftChange, input };
}

describe('Composer', () => {
  it('says what the model is doing while it loads, and sends nothing until it is ready', () => {
    const { onSend, input } = setup({
      status: 'Loading Qwen… it can answer as soon as it is ready.',
      blockedReason: 'The model is still loading; send when it is ready.',
    });
    expect(screen.getByRole('status').textContent).toMatch(/Loading Qwen/);
    fireEvent.change(input, { target: { value: 'hello' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/still loading/);
    expect(input.value).toBe('hello');
  });

  it('sends on Enter and clears the box', () => {
    const { onSend, input } = setup();
    fireEvent.change(input, { target: { value: 'hello' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith('hello');
    expect(input.value).toBe('');
  });

  it('tells each edit of the draft, and not the clearing after a send', () => {
    const { onDraftChange, input } = setup();
    fireEvent.change(input, { target: { value: 'h' } });
    fireEvent.change(input, { target: { value: 'hi' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onDraftChange.mock.calls).toEqual([['h'], ['hi']]);
  });

  it('does not send on Shift+Enter', () => {
    const { onSend, input } = setup();
    fireEvent.change(input, { target: { value: 'line one' } });
    const notPrevented = fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    expect(onSend).not.toHaveBeenCalled();
    // The default action (a newline) is left to the browser.
    expect(notPrevented).toBe(true);
  });

  it('stops a streaming answer on Esc and does not send meanwhile', () => {
    const { onSend, onStop, input } = setup({ streaming: true });
    fireEvent.change(input, { target: { value: 'next' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(onSend).not.toHaveBeenCalled();
    expect(onStop).toHaveBeenCalledTimes(1);
  });

  it('explains an empty send and a message over the limit', () => {
    const { onSend, input } = setup({ maxChars: 10 });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.getByRole('alert').textContent).toBe('Type a message first.');
    fireEvent.change(input, { target: { value: 'x'.repeat(11) } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.getByRole('alert').textContent).toContain('limit is 10');
    expect(onSend).not.toHaveBeenCalled();
  });

  it('picks a preset for the chat and clears the active one on a second click', () => {
    const { onPresetChange } = setup();
    expect(screen.getByTestId('preset-fix').getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByTestId('preset-tests'));
    fireEvent.click(screen.getByTestId('preset-fix'));
    expect(onPresetChange.mock.calls).toEqual([['tests'], [null]]);
  });
});
