import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BranchMessage } from '../types';
import { branchMessage as message } from '../../test/support/branch-message';
import { MessageList } from './MessageList';
import { MessageView, type MessageActions } from './MessageView';

afterEach(cleanup);

const answers = ['a1', 'a2', 'a3'];
const question = message({ id: 'q', content: 'question' });
const answer = (index: number): BranchMessage =>
  message({
    id: answers[index] ?? 'a1',
    parentId: 'q',
    role: 'assistant',
    content: ['first answer', 'second answer', 'third answer'][index] ?? '',
    siblingIds: answers,
    siblingIndex: index,
    completionTokens: 42,
    timeToFirstTokenMs: 120,
    tokensPerSecond: 35.25,
  });

const noop: MessageActions = {
  stepBranch: vi.fn(),
  regenerate: vi.fn(),
  editAndResend: vi.fn(),
  copy: vi.fn(),
  continueAnswer: vi.fn(),
};

/** Stands in for the API: switching a branch returns the sibling's message. */
function Conversation() {
  const [index, setIndex] = useState(2);
  const shown = [question, answer(index)];
  const actions: MessageActions = {
    ...noop,
    stepBranch: (_id, step) => setIndex((i) => i + step),
  };
  return (
    <>
      {shown.map((m) => (
        <MessageView
          key={m.id}
          message={m}
          branchIndex={m.siblingIndex}
          branchCount={m.siblingIds.length}
          actions={actions}
          busy={false}
        />
      ))}
    </>
  );
}

describe('branch switching', () => {
  it('shows the position and steps through the versions', () => {
    render(<Conversation />);
    expect(screen.getByTestId('branch-position').textContent).toBe('3/3');
    expect(screen.getByText('third answer')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Next version' })).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByRole('button', { name: 'Previous version' }));
    fireEvent.click(screen.getByRole('button', { name: 'Previous version' }));
    expect(screen.getByTestId('branch-position').textContent).toBe('1/3');
    expect(screen.getByText('first answer')).toBeTruthy();
    expect(screen.queryByText('third answer')).toBeNull();
    expect(screen.getByRole('button', { name: 'Previous version' })).toHaveProperty(
      'disabled',
      true,
    );
  });

  it('hides the switcher for a message with one version', () => {
    render(<Conversation />);
    const asked = screen.getByText('question').closest('article');
    expect(asked?.querySelector('[data-testid="branch-switcher"]')).toBeNull();
  });

  it('shows tokens, TTFT and tokens per second under a finished answer', () => {
    render(<Conversation />);
    expect(screen.getByTestId('generation-stats').textContent).toBe(
      '42 tokens · TTFT 120 ms · 35.3 tok/s',
    );
  });

  it('sends an edited question through editAndResend', () => {
    const editAndResend = vi.fn();
    render(
      <MessageView
        message={question}
        branchIndex={0}
        branchCount={1}
        actions={{ ...noop, editAndResend }}
        busy={false}
      />,
    );
    fireEvent.click(screen.getByTestId('edit-message'));
    fireEvent.change(screen.getByLabelText('Edit message'), {
      target: { value: 'better question' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save and send' }));
    expect(editAndResend).toHaveBeenCalledWith('q', 'better question');
  });

  it('says an answer was cut by the length limit and continues that answer', () => {
    const continueAnswer = vi.fn();
    const cut = { ...answer(0), stopReason: 'max-tokens' as const };
    const view = (message: BranchMessage, busy: boolean) => (
      <MessageView
        message={message}
        branchIndex={0}
        branchCount={1}
        actions={{ ...noop, continueAnswer }}
        busy={busy}
      />
    );
    const { rerender } = render(view(cut, true));
    expect(screen.getByTestId('cut-by-limit').textContent).toContain('Cut by the length limit.');
    expect(screen.getByTestId<HTMLButtonElement>('continue-answer').disabled).toBe(true);
    rerender(view(cut, false));
    fireEvent.click(screen.getByTestId('continue-answer'));
    expect(continueAnswer).toHaveBeenCalledWith('a1');
    // An answer that ended on its own offers nothing to continue.
    rerender(view({ ...cut, stopReason: 'eos' }, false));
    expect(screen.queryByTestId('cut-by-limit')).toBeNull();
  });
});

describe('MessageList', () => {
  // happy-dom does no layout; give every element a window-sized box so the virtualizer has a
  // viewport to fill.
  const sizes = ['clientHeight', 'clientWidth', 'offsetHeight', 'offsetWidth'] as const;
  beforeEach(() => {
    for (const key of sizes) {
      Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => 800 });
    }
  });
  afterEach(() => {
    for (const key of sizes) Reflect.deleteProperty(HTMLElement.prototype, key);
  });

  it('puts only the messages in view of a 10,000-message chat into the DOM', async () => {
    const long = Array.from({ length: 10_000 }, (_, i) =>
      message({ id: `m${i}`, role: i % 2 === 0 ? 'user' : 'assistant', content: `message ${i}` }),
    );
    render(<MessageList messages={long} busy={false} actions={noop} />);
    const shown = (await screen.findAllByTestId('message')).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(100);
  });

  it('offers a way back to the latest message after scrolling up', async () => {
    Object.defineProperty(HTMLElement.prototype, 'scrollHeight', {
      configurable: true,
      get: () => 50_000,
    });
    const long = Array.from({ length: 200 }, (_, i) => message({ id: `m${i}` }));
    render(<MessageList messages={long} busy={false} actions={noop} />);
    const list = await screen.findByTestId('message-list');
    expect(screen.queryByTestId('jump-to-latest')).toBeNull();
    list.scrollTop = 0;
    fireEvent.scroll(list);
    fireEvent.click(await screen.findByTestId('jump-to-latest'));
    expect(screen.queryByTestId('jump-to-latest')).toBeNull();
    Reflect.deleteProperty(HTMLElement.prototype, 'scrollHeight');
  });

  it('keeps the window up when one message fails to render', async () => {
    const broken = message({ id: 'broken' });
    // A getter that throws stands in for any bug in rendering one message.
    Object.defineProperty(broken, 'content', {
      get: () => {
        throw new Error('bad message');
      },
    });
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(
      <MessageList
        messages={[broken, message({ id: 'fine', content: 'fine one' })]}
        busy={false}
        actions={noop}
      />,
    );
    expect(await screen.findByTestId('error-pane')).toBeTruthy();
    expect(screen.getByText('fine one')).toBeTruthy();
    spy.mockRestore();
  });
});
