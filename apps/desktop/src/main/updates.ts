import type { AppUpdater } from 'electron-updater';

/**
 * Checks for updates in a packaged app: from the feed in Settings when the person set one,
 * otherwise from the one the build was made with (`CODEFACE_UPDATE_URL` at packaging, written
 * into the app's `app-update.yml` by electron-builder). A development run never checks.
 */
export function startUpdates(options: {
  updater: Pick<AppUpdater, 'setFeedURL' | 'checkForUpdatesAndNotify' | 'on'>;
  isPackaged: boolean;
  feedUrl: string | null;
  log: (message: string) => void;
}): boolean {
  const { updater, isPackaged, feedUrl, log } = options;
  if (!isPackaged) return false;
  if (feedUrl !== null) updater.setFeedURL({ provider: 'generic', url: feedUrl });
  // An update that cannot be fetched (offline, no feed configured) is not the person's problem.
  updater.on('error', (error) => log(`Update check failed: ${error.message}`));
  updater.checkForUpdatesAndNotify().catch((error: unknown) => {
    log(`Update check failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  return true;
}
