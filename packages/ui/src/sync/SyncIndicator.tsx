import { useState } from 'react';
import { ProgressBar } from '../feedback/ProgressBar';
import type { SyncView } from '../types';
import { firstSyncProgress, syncSummary, syncTone } from './syncText';

type SyncIndicatorProps = {
  view: SyncView | null;
  /** Opens Settings → Sync. */
  onOpenSettings: () => void;
  onSyncNow: () => void;
};

/**
 * Always in the sidebar: whether this device is synced (and when), how much is waiting to be
 * sent, offline or failing. A click opens the details, with the error's sentence when there is
 * one; a new device's first sync shows its progress bar here.
 */
export function SyncIndicator({ view, onOpenSettings, onSyncNow }: SyncIndicatorProps) {
  const [open, setOpen] = useState(false);
  if (view === null) return null;
  const progress = firstSyncProgress(view.status);
  const error = view.status.error;
  return (
    <div className="cf-sync-indicator">
      <button
        type="button"
        className="cf-sync-summary"
        data-testid="sync-indicator"
        data-state={view.signedIn ? view.status.state : 'off'}
        aria-expanded={open}
        onClick={() => setOpen((was) => !was)}
      >
        <span className={`cf-sync-dot cf-sync-${syncTone(view)}`} aria-hidden="true" />
        <span className="cf-sync-label">{syncSummary(view)}</span>
      </button>
      {progress && (
        <div className="cf-sync-progress">
          <ProgressBar
            testId="sync-progress"
            value={progress.received}
            max={progress.total}
            label="Receiving your chats"
          />
        </div>
      )}
      {open && (
        <div className="cf-sync-details" role="dialog" aria-label="Sync" data-testid="sync-details">
          {view.signedIn ? (
            <p>
              Syncing <strong>{view.deviceName}</strong> as {view.email} with{' '}
              <span className="cf-inline-code">{view.serverUrl}</span>.
            </p>
          ) : (
            <p>
              {view.status.state === 'signed-out'
                ? 'This device is no longer signed in to sync.'
                : 'Sync is off: your chats stay on this device.'}
            </p>
          )}
          {error && (
            <p className="cf-text-danger" role="alert" data-testid="sync-error">
              {error.message}
            </p>
          )}
          {view.status.quarantined > 0 && (
            <p className="cf-muted">
              {view.status.quarantined} synced{' '}
              {view.status.quarantined === 1 ? 'change' : 'changes'} could not be read and{' '}
              {view.status.quarantined === 1 ? 'was' : 'were'} set aside; a newer CodeFace may read{' '}
              {view.status.quarantined === 1 ? 'it' : 'them'}.
            </p>
          )}
          {view.setAside.length > 0 && (
            <ul className="cf-sync-set-aside" data-testid="sync-set-aside">
              {view.setAside.map((change) => (
                <li key={change.changeId} title={change.detail}>
                  <code className="cf-inline-code">{change.changeId}</code> {change.reason}
                </li>
              ))}
            </ul>
          )}
          <div className="cf-row">
            {view.signedIn && (
              <button type="button" className="cf-button cf-button-small" onClick={onSyncNow}>
                Sync now
              </button>
            )}
            <button
              type="button"
              className="cf-button cf-button-small"
              data-testid="sync-open-settings"
              onClick={() => {
                setOpen(false);
                onOpenSettings();
              }}
            >
              Sync settings
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
