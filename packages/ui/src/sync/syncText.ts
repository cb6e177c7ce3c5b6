import type { SyncStatus, SyncView } from '../types';

const time = (epochMs: number): string =>
  new Date(epochMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/** The sync status in a few words: what the sidebar shows. */
export function syncSummary(view: SyncView): string {
  const { status } = view;
  if (!view.signedIn) return status.state === 'signed-out' ? 'Signed out of sync' : 'Sync off';
  switch (status.state) {
    case 'syncing':
      if (status.progress !== null) {
        return `Receiving ${status.progress.received.toLocaleString('en')} of ${status.progress.total.toLocaleString('en')}`;
      }
      return status.toSend > 0 ? `Sending ${status.toSend.toLocaleString('en')}` : 'Syncing…';
    case 'synced':
      if (status.toSend > 0) return `${status.toSend.toLocaleString('en')} to send`;
      return status.lastSyncedAt === null ? 'Synced' : `Synced ${time(status.lastSyncedAt)}`;
    case 'offline':
      return status.toSend > 0
        ? `Offline · ${status.toSend.toLocaleString('en')} to send`
        : 'Offline';
    case 'error':
      return 'Sync error';
    case 'signed-out':
      return 'Signed out of sync';
    case 'update-required':
      return 'Update to sync';
    case 'stopped':
      return 'Sync paused';
  }
}

/** The colour class of the indicator's dot. */
export function syncTone(view: SyncView): 'ok' | 'busy' | 'warn' | 'bad' | 'off' {
  if (!view.signedIn) return view.status.state === 'signed-out' ? 'bad' : 'off';
  switch (view.status.state) {
    case 'synced':
      return view.status.toSend > 0 ? 'busy' : 'ok';
    case 'syncing':
      return 'busy';
    case 'offline':
    case 'update-required':
      return 'warn';
    case 'error':
    case 'signed-out':
      return 'bad';
    case 'stopped':
      return 'off';
  }
}

/** "2 minutes ago", "just now": how long since a device was last seen. */
export function timeAgo(epochMs: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - epochMs) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} ${hours === 1 ? 'hour' : 'hours'} ago`;
  return new Date(epochMs).toLocaleDateString();
}

/** The progress of a first sync, when there is one worth a bar. */
export function firstSyncProgress(status: SyncStatus): { received: number; total: number } | null {
  return status.state === 'syncing' && status.progress !== null && status.progress.total > 0
    ? status.progress
    : null;
}
