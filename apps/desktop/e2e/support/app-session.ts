import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { AppPage } from '../pages/app-page';
import { launchChromium, openSession, type Session } from './browser';
import { startE2EHost, type E2EHost } from './e2e-host';

/** One Chromium for a test file: launched before its tests, closed after them. */
export function useChromium(): { readonly browser: Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('Chromium is not running: use it inside a test.');
      return browser;
    },
  };
}

export type AppSession = Session & { app: AppPage; host: E2EHost };

/**
 * The app open in a fresh browser profile on a web host: `host`, the file's own, or one started
 * for this session with `hostOptions` (and deleted after it). `beforeOpen` runs before the app
 * opens (permissions, init scripts). After `use`, the page must have thrown nothing; the profile
 * is closed either way.
 */
export async function withAppSession(
  browser: Browser,
  options: {
    host?: E2EHost;
    hostOptions?: Parameters<typeof startE2EHost>[0];
    session?: Parameters<typeof openSession>[1];
    beforeOpen?: (session: AppSession) => Promise<void>;
  },
  use: (session: AppSession) => Promise<void>,
): Promise<void> {
  const shared = options.host;
  const host = shared ?? (await startE2EHost(options.hostOptions));
  try {
    const session = await openSession(browser, options.session);
    const appSession = { ...session, app: new AppPage(session.page), host };
    try {
      await options.beforeOpen?.(appSession);
      await appSession.app.open(host.url);
      await use(appSession);
      expect(session.pageErrors).toEqual([]);
    } finally {
      await session.context.close();
    }
  } finally {
    if (!shared) await host.dispose();
  }
}
