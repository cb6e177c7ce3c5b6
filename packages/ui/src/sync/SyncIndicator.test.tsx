import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SyncView } from '../types';
import { syncView } from '../../test/support/sync-view';
import { SyncIndicator } from './SyncIndicator';

afterEach(cleanup);

function open(shown: SyncView): void {
  render(<SyncIndicator view={shown} onOpenSettings={vi.fn()} onSyncNow={vi.fn()} />);
  fireEvent.click(screen.getByTestId('sync-indicator'));
}

describe('the sync indicator’s details', () => {
  it('lists the changes set aside by id and reason, with the count of all of them', () => {
    open(
      syncView({
        status: { ...syncView({}).status, quarantined: 2 },
        setAside: [
          { changeId: 'c-2', reason: 'decrypt-failure', detail: 'tag mismatch', at: 2 },
          { changeId: 'c-1', reason: 'invalid-change', detail: 'fields: missing title', at: 1 },
        ],
      }),
    );
    expect(screen.getByTestId('sync-details').textContent).toContain(
      '2 synced changes could not be read and were set aside',
    );
    const items = screen.getByTestId('sync-set-aside').querySelectorAll('li');
    expect([...items].map((item) => item.textContent)).toEqual([
      'c-2 decrypt-failure',
      'c-1 invalid-change',
    ]);
    expect(items[0]?.getAttribute('title')).toBe('tag mismatch');
  });

  it('shows a new device’s first sync as a themed bar with its numbers', () => {
    render(
      <SyncIndicator
        view={syncView({
          status: {
            ...syncView({}).status,
            state: 'syncing',
            progress: { received: 250, total: 1000 },
          },
        })}
        onOpenSettings={vi.fn()}
        onSyncNow={vi.fn()}
      />,
    );
    const bar = screen.getByTestId('sync-progress');
    expect(bar.getAttribute('role')).toBe('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('250');
    expect(bar.getAttribute('aria-valuemax')).toBe('1000');
  });

  it('shows no list while nothing is set aside', () => {
    open(syncView({}));
    expect(screen.queryByTestId('sync-set-aside')).toBeNull();
    expect(screen.getByTestId('sync-details').textContent).not.toContain('set aside');
  });
});
