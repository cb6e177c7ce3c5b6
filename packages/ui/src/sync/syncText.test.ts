import { describe, expect, it } from 'vitest';
import type { SyncStatus, SyncView } from '../types';
import { syncView } from '../../test/support/sync-view';
import { firstSyncProgress, syncSummary, syncTone, timeAgo } from './syncText';

const status = (patch: Partial<SyncStatus>): SyncStatus => syncView({}, patch).status;
const view = (patch: Partial<SyncStatus>, signedIn = true): SyncView =>
  syncView({ signedIn }, patch);

describe('the sync indicator’s words', () => {
  it('says what waits to be sent before saying synced, and offline with the count', () => {
    expect(syncSummary(view({ state: 'synced', toSend: 3 }))).toBe('3 to send');
    expect(syncTone(view({ state: 'synced', toSend: 3 }))).toBe('busy');
    expect(syncSummary(view({ state: 'offline', toSend: 1200 }))).toBe('Offline · 1,200 to send');
    expect(syncTone(view({ state: 'synced' }))).toBe('ok');
  });

  it('shows a first sync’s progress and tells signed out from off', () => {
    const catchingUp = view({ state: 'syncing', progress: { received: 250, total: 1000 } });
    expect(syncSummary(catchingUp)).toBe('Receiving 250 of 1,000');
    expect(firstSyncProgress(catchingUp.status)).toEqual({ received: 250, total: 1000 });
    expect(
      firstSyncProgress(status({ state: 'synced', progress: { received: 1, total: 1 } })),
    ).toBeNull();
    expect(syncSummary(view({ state: 'stopped' }, false))).toBe('Sync off');
    expect(syncSummary(view({ state: 'signed-out' }, false))).toBe('Signed out of sync');
    expect(syncTone(view({ state: 'signed-out' }, false))).toBe('bad');
  });

  it('says how long ago a device was seen', () => {
    const now = Date.UTC(2026, 0, 10, 12);
    expect(timeAgo(now - 20_000, now)).toBe('just now');
    expect(timeAgo(now - 60_000, now)).toBe('1 minute ago');
    expect(timeAgo(now - 3 * 3_600_000, now)).toBe('3 hours ago');
  });
});
