import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QuickAsk, quickQuestion } from './QuickAsk';

afterEach(cleanup);

function setup(streaming: boolean) {
  const props = {
    onAsk: vi.fn(),
    onStop: vi.fn(),
    onDismiss: vi.fn(),
  };
  render(
    <QuickAsk
      question={null}
      answer={null}
      streaming={streaming}
      blockedReason={null}
      onContinue={null}
      {...props}
    />,
  );
  return { ...props, input: screen.getByTestId('quick-ask-input') };
}

describe('QuickAsk', () => {
  it('asks on Enter with the clipboard choice', () => {
    const { onAsk, input } = setup(false);
    fireEvent.click(screen.getByLabelText('Use the clipboard as context'));
    fireEvent.change(input, { target: { value: 'what does this do?' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onAsk).toHaveBeenCalledWith({ text: 'what does this do?', withClipboard: true });
  });

  it('stops on Esc while streaming and hides on Esc otherwise', () => {
    const streaming = setup(true);
    fireEvent.keyDown(streaming.input, { key: 'Escape' });
    expect(streaming.onStop).toHaveBeenCalled();
    expect(streaming.onDismiss).not.toHaveBeenCalled();
    cleanup();
    const idle = setup(false);
    fireEvent.keyDown(idle.input, { key: 'Escape' });
    expect(idle.onDismiss).toHaveBeenCalled();
  });
});

describe('quickQuestion', () => {
  it('appends the clipboard as a code block that its own fences cannot close', () => {
    expect(quickQuestion('explain', null)).toBe('explain');
    expect(quickQuestion('explain', 'a()')).toBe('explain\n\n```\na()\n```');
    expect(quickQuestion('explain', '```x```')).toBe('explain\n\n````\n```x```\n````');
  });
});
