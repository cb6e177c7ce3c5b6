import type { SyncFailure } from './sync-error';

/**
 * What the app shows about sync (the sidebar indicator, Settings → Sync):
 * - `syncing`: a push or pull is under way; with `progress` while catching up many changes;
 * - `synced`: everything here is on the server and everything there is here (`lastSyncedAt`);
 * - `offline`: the server cannot be reached; retrying at `retryAt`;
 * - `error`: the server or the data refused something; retrying at `retryAt`;
 * - `signed-out`: this device was revoked or its session ended: sign in again;
 * - `update-required`: the server speaks a newer protocol: update CodeFace (local work goes on);
 * - `stopped`: not started, or stopped.
 */
export type SyncState =
  'stopped' | 'syncing' | 'synced' | 'offline' | 'error' | 'signed-out' | 'update-required';

export type SyncStatus = {
  state: SyncState;
  lastSyncedAt: number | null;
  /** Local changes not yet acknowledged by the server. */
  toSend: number;
  /** While catching up: remote changes received of those the server has. */
  progress: { received: number; total: number } | null;
  /** The last failure, in a sentence that says what to do. */
  error: { code: SyncFailure | 'internal'; message: string } | null;
  retryAt: number | null;
  /** Remote changes set aside (`engine.quarantined()` lists them). */
  quarantined: number;
};

export function initialStatus(): SyncStatus {
  return {
    state: 'stopped',
    lastSyncedAt: null,
    toSend: 0,
    progress: null,
    error: null,
    retryAt: null,
    quarantined: 0,
  };
}

const SENTENCES: Record<SyncFailure, string> = {
  network: 'The sync server cannot be reached. Your changes are kept here and sent when it can.',
  'server-error': 'The sync server had a problem. Syncing will try again shortly.',
  'invalid-response':
    'The sync server sent an answer this version of CodeFace does not understand. Syncing will try again; if it keeps failing, check the server address.',
  'protocol-version': 'The sync server is newer than this app. Update CodeFace to keep syncing.',
  'token-expired': 'This device’s sync session ended. Sign in again to keep syncing.',
  unauthenticated: 'This device’s sync session ended. Sign in again to keep syncing.',
  'device-revoked': 'This device was signed out of sync. Sign in again to keep syncing.',
  'refresh-token-reused':
    'This device’s sync session was used elsewhere, so it was ended for safety. Sign in again to keep syncing.',
  'refresh-token-invalid': 'This device’s sync session ended. Sign in again to keep syncing.',
  'invalid-credentials': 'The sync account refused this device. Sign in again to keep syncing.',
  'rate-limited': 'The sync server asked this device to slow down. Syncing will try again shortly.',
  'limit-exceeded':
    'The sync server refused a change as too large, or the account is out of space. Free space on the server or ask its operator to raise the limit.',
  'invalid-input':
    'The sync server refused what this device sent. Syncing will try again; if it keeps failing, report it with the server log.',
  'not-found':
    'The sync server could not find what this device asked for. Syncing will try again shortly.',
  'email-taken': 'The sync server refused the request. Syncing will try again shortly.',
  'origin-not-allowed':
    'The sync server does not accept requests from this app. Ask its operator to allow it.',
};

/** A sentence a person can act on; unexpected errors say so without their internals. */
export function describeFailure(code: SyncFailure | 'internal'): string {
  if (code === 'internal') {
    return 'Syncing failed unexpectedly and will try again. If it keeps failing, restart CodeFace.';
  }
  return SENTENCES[code];
}
