import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { syncView } from '../../test/support/sync-view';
import type { SyncActions } from './SyncSettings';
import { SyncSettings } from './SyncSettings';

afterEach(cleanup);

const actions = new Proxy({} as SyncActions, { get: () => vi.fn() });

describe('Settings → Sync, signed out', () => {
  it('says which server still has to be told of a sign-out made offline', () => {
    render(
      <SyncSettings
        view={syncView({ signedIn: false, signOutsWaiting: ['sync.example.com'] })}
        devices={null}
        recoveryKey={null}
        now={0}
        actions={actions}
      />,
    );
    expect(screen.getByTestId('sync-sign-outs-waiting').textContent).toBe(
      'This device signed out while sync.example.com could not be reached, so it is still listed in that account. CodeFace tells the server every minute until it answers.',
    );
  });

  it('says nothing of it once the server was told', () => {
    render(
      <SyncSettings
        view={syncView({ signedIn: false })}
        devices={null}
        recoveryKey={null}
        now={0}
        actions={actions}
      />,
    );
    expect(screen.queryByTestId('sync-sign-outs-waiting')).toBeNull();
  });
});
