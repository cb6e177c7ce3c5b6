import type { SyncStatus, SyncView } from '../../src/types';

/** A signed-in, synced view with `patch` over it, for the sync components' tests. */
export function syncView(
  patch: Partial<SyncView> = {},
  status: Partial<SyncStatus> = {},
): SyncView {
  return {
    serverUrl: 'https://sync.example.com',
    deviceName: 'Laptop',
    email: 'a@example.com',
    signedIn: true,
    status: {
      state: 'synced',
      lastSyncedAt: null,
      toSend: 0,
      progress: null,
      error: null,
      retryAt: null,
      quarantined: 0,
      ...status,
    },
    recoveryKeyPending: false,
    secrets: 'user-only-file',
    setAside: [],
    signOutsWaiting: [],
    ...patch,
  };
}
