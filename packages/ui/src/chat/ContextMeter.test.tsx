import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { computeContextBudget } from './contextBudget';
import { ContextMeter } from './ContextMeter';

afterEach(cleanup);

describe('ContextMeter', () => {
  it('shows the share of the window in use', () => {
    const budget = computeContextBudget({
      turns: [{ content: 'x'.repeat(2000) }],
      systemPrompt: '',
      windowTokens: 2000,
      replyReserve: 500,
    });
    render(<ContextMeter budget={budget} />);
    expect(screen.getByRole('meter').getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByTestId('context-meter').textContent).toBe('25% of context');
  });

  it('warns how many older messages will be left out', () => {
    const budget = computeContextBudget({
      turns: [{ content: '', tokens: 900 }, { content: '', tokens: 900 }, { content: 'hi' }],
      systemPrompt: '',
      windowTokens: 2000,
      replyReserve: 500,
    });
    render(<ContextMeter budget={budget} />);
    expect(screen.getByTestId('context-meter').textContent).toBe(
      '1 older message will be left out',
    );
  });

  it('says how many prompt tokens the last answer read back from disk', () => {
    const estimate = computeContextBudget({
      turns: [{ content: 'x'.repeat(2000) }],
      systemPrompt: '',
      windowTokens: 2000,
      replyReserve: 500,
    });
    const { rerender } = render(<ContextMeter budget={{ ...estimate, restoredTokens: 0 }} />);
    expect(screen.queryByTestId('context-restored')).toBeNull();
    rerender(<ContextMeter budget={{ ...estimate, restoredTokens: 4210 }} />);
    expect(screen.getByTestId('context-restored').textContent).toMatch(/restored from disk$/);
    expect(screen.getByTestId('context-meter').getAttribute('title')).toContain(
      'tokens restored from disk',
    );
  });
});
