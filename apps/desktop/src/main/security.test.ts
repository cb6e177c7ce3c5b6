import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { allowOnlyClipboard, lockDownWebContents } from './security';

type Handler = (details: { url: string }) => { action: 'deny' | 'allow' };

function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: Handler | null = null;
  return {
    on: (event: string, listener: (...args: unknown[]) => void) => emitter.on(event, listener),
    setWindowOpenHandler: (handler: Handler) => {
      openHandler = handler;
    },
    /** Emits an event the way Electron does and says whether a listener prevented it. */
    attempt(event: string, url: string): boolean {
      let prevented = false;
      emitter.emit(event, { preventDefault: () => (prevented = true) }, url);
      return prevented;
    },
    open: (url: string) => openHandler?.({ url }),
  };
}

describe('lockDownWebContents', () => {
  it('keeps navigation on the app and sends links to the system browser', () => {
    const contents = fakeContents();
    const openExternal = vi.fn();
    lockDownWebContents(contents as never, openExternal);
    expect(contents.attempt('will-navigate', 'app://codeface/index.html?chat=1')).toBe(false);
    expect(contents.attempt('will-navigate', 'https://example.com/')).toBe(true);
    expect(contents.attempt('will-navigate', 'app://codeface.evil.example/')).toBe(true);
    expect(contents.attempt('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(contents.attempt('will-attach-webview', 'app://codeface/')).toBe(true);
    expect(contents.open('https://example.com/docs')).toEqual({ action: 'deny' });
    expect(contents.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(contents.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://example.com/docs']]);
  });
});

describe('allowOnlyClipboard', () => {
  it('grants the clipboard to the app and nothing to anyone else', () => {
    type Request = (contents: unknown, permission: string, grant: (ok: boolean) => void) => void;
    type Check = (contents: unknown, permission: string, origin: string) => boolean;
    const handlers = {} as { request?: Request; check?: Check };
    allowOnlyClipboard({
      setPermissionRequestHandler: (handler: Request) => {
        handlers.request = handler;
      },
      setPermissionCheckHandler: (handler: Check) => {
        handlers.check = handler;
      },
    } as never);
    const { request, check } = handlers;
    const asked = (url: string, permission: string) => {
      let granted: boolean | null = null;
      request?.({ getURL: () => url }, permission, (ok) => (granted = ok));
      return granted;
    };
    expect(asked('app://codeface/quick-ask.html', 'clipboard-read')).toBe(true);
    expect(asked('app://codeface/index.html', 'clipboard-sanitized-write')).toBe(true);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'hid']) {
      expect(asked('app://codeface/index.html', permission)).toBe(false);
    }
    expect(asked('https://example.com/', 'clipboard-read')).toBe(false);
    expect(check?.(null, 'clipboard-read', 'app://codeface')).toBe(true);
    expect(check?.(null, 'clipboard-read', 'https://example.com')).toBe(false);
    expect(check?.(null, 'media', 'app://codeface')).toBe(false);
  });
});
