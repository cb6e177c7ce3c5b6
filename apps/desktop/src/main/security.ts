import type { Session, WebContents } from 'electron';

/** The renderer is served from `app://codeface/`, never `file://`, so it gets real headers. */
export const APP_ORIGIN = 'app://codeface';

/** Whether a URL is one of the app's own pages. */
export function isAppUrl(url: string): boolean {
  return url.startsWith(`${APP_ORIGIN}/`);
}

/** Only http(s) links leave the app, and only to the system browser. */
export function isExternalLink(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/**
 * Every web contents of the app: no navigation away from the app's pages, no webviews, and no
 * new windows (links open in the system browser instead).
 */
export function lockDownWebContents(
  contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
  openExternal: (url: string) => void,
): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** The permissions the app's pages may have: reading the clipboard (quick ask) and writing it. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-read', 'clipboard-sanitized-write']);

/** Denies every permission request and check except the clipboard's, and only for our pages. */
export function allowOnlyClipboard(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
): void {
  session.setPermissionRequestHandler((contents, permission, grant) => {
    grant(isAppUrl(contents.getURL()) && ALLOWED_PERMISSIONS.has(permission));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => {
    return requestingOrigin === APP_ORIGIN && ALLOWED_PERMISSIONS.has(permission);
  });
}
