import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { branchMessage } from '../../test/support/branch-message';
import type { BranchMessage } from '../types';
import { createLiveAnswer, type LiveAnswer } from './liveAnswer';
import type { MessageActions } from './MessageView';

// The branch switcher stands for the rest of the message: it renders whenever MessageView does.
const headerRenders = vi.hoisted(() => ({ count: 0 }));
vi.mock('./BranchSwitcher', () => ({
  BranchSwitcher: () => {
    headerRenders.count++;
    return null;
  },
}));
const { MessageView } = await import('./MessageView');

afterEach(cleanup);

const noop: MessageActions = {
  stepBranch: () => undefined,
  regenerate: () => undefined,
  editAndResend: () => undefined,
  copy: () => undefined,
  continueAnswer: () => undefined,
};

/** An answer, empty until its text is given. */
const message = (over: Partial<BranchMessage> & { id: string }): BranchMessage =>
  branchMessage({ role: 'assistant', content: '', ...over });

/** MessageView painting the answer `over` describes, busy while it streams, with `live`. */
const renderAnswer = (over: Partial<BranchMessage> & { id: string }, live: LiveAnswer) =>
  render(
    <MessageView
      message={message(over)}
      branchIndex={0}
      branchCount={1}
      actions={noop}
      busy={over.status === 'streaming'}
      live={live}
    />,
  );

describe('createLiveAnswer', () => {
  it('keeps its snapshot until the text changes, and tells subscribers each change', () => {
    const live = createLiveAnswer();
    const seen: string[] = [];
    live.subscribe(() => seen.push(live.current().text));
    live.append('ignored: nothing is followed');
    live.start('a', 'He');
    const before = live.current();
    live.append('');
    expect(live.current()).toBe(before);
    live.append('llo');
    live.end();
    live.end();
    expect(seen).toEqual(['He', 'Hello', '']);
    expect(live.current()).toEqual({ messageId: null, text: '' });
  });
});

describe('a streaming answer with live text', () => {
  it('shows the live text and re-renders only the answer, not its message, per update', () => {
    const live = createLiveAnswer();
    headerRenders.count = 0;
    renderAnswer({ id: 'a', status: 'streaming' }, live);
    expect(screen.getByLabelText('Waiting for the first token')).toBeTruthy();
    act(() => live.start('a', ''));
    act(() => live.append('Hello '));
    act(() => live.append('world'));
    expect(screen.getByTestId('message-content').textContent).toBe('Hello world');
    expect(headerRenders.count).toBe(1);
  });

  it('ignores live text that belongs to another message', () => {
    const live = createLiveAnswer();
    live.start('other', 'not mine');
    renderAnswer({ id: 'a', status: 'streaming', content: 'saved so far' }, live);
    expect(screen.getByTestId('message-content').textContent).toBe('saved so far');
  });

  it('shows the saved text once the message is no longer streaming', () => {
    const live = createLiveAnswer();
    live.start('a', 'live');
    renderAnswer({ id: 'a', status: 'done', content: 'saved' }, live);
    expect(screen.getByTestId('message-content').textContent).toBe('saved');
  });
});
