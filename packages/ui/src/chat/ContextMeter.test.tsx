import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContextBudget } from '../types';
import { ContextMeter } from './ContextMeter';

afterEach(cleanup);

const budget = (patch: Partial<ContextBudget> = {}): ContextBudget => ({
  usedTokens: 500,
  windowTokens: 2000,
  answerTokens: 500,
  freeTokens: 1000,
  droppedTurns: 0,
  exact: true,
  ...patch,
});

describe('ContextMeter', () => {
  it('shows the share of the window in use', () => {
    render(<ContextMeter budget={budget()} />);
    expect(screen.getByRole('meter').getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByTestId('context-meter').textContent).toBe('25% of context');
    expect(screen.getByTestId('context-meter').getAttribute('title')).toBe(
      '500 of 2,000 tokens; 500 kept for the answer; 1,000 more fit in your message',
    );
  });

  it('warns how many older messages will be left out', () => {
    render(<ContextMeter budget={budget({ droppedTurns: 1 })} />);
    expect(screen.getByTestId('context-meter').textContent).toBe(
      '1 older message will be left out',
    );
  });

  it('says by how much a message is too long to send', () => {
    render(<ContextMeter budget={budget({ freeTokens: -1, droppedTurns: 3 })} />);
    expect(screen.getByTestId('context-meter').textContent).toBe('Message too long by 1 token');
    expect(screen.getByTestId('context-meter').className).toContain('cf-context-warn');
  });

  it('says when the counts are an estimate', () => {
    render(<ContextMeter budget={budget({ exact: false })} />);
    expect(screen.getByTestId('context-meter').getAttribute('title')).toMatch(
      /^about 500 of 2,000 tokens;.*estimated/,
    );
  });

  it('says how many prompt tokens the last answer read back from disk', () => {
    const { rerender } = render(<ContextMeter budget={budget({ restoredTokens: 0 })} />);
    expect(screen.queryByTestId('context-restored')).toBeNull();
    rerender(<ContextMeter budget={budget({ restoredTokens: 4210 })} />);
    expect(screen.getByTestId('context-restored').textContent).toMatch(/restored from disk$/);
    expect(screen.getByTestId('context-meter').getAttribute('title')).toContain(
      'tokens restored from disk',
    );
  });
});
