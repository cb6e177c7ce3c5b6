import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession } from './support/browser';
import { useChromium, withAppSession } from './support/app-session';
import { startE2EHost } from './support/e2e-host';
import type { E2EHost } from './support/e2e-host';

type Seen = { method: string | undefined; url: string | undefined; headers: IncomingHttpHeaders };

/** Another server on 127.0.0.1, as any local dev server the person runs: it records every request. */
async function startOtherServer(seen: Seen[]): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    seen.push({ method: request.method, url: request.url, headers: request.headers });
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>Other</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return { server, origin: `http://127.0.0.1:${address.port}` };
}

/**
 * Broke (issue 13, item 8): the web host traded its link's token for a cookie, and cookies are
 * not bound to a port, so every other server on 127.0.0.1 the browser visited received
 * `codeface_token`, which was full API access. Now no credential is ambient (decision 0408).
 */
describe('the web host gives other local servers nothing', () => {
  const chromium = useChromium();
  let host: E2EHost;
  let other: { server: Server; origin: string };
  const seen: Seen[] = [];

  beforeAll(async () => {
    host = await startE2EHost();
    other = await startOtherServer(seen);
  }, 60_000);
  afterAll(async () => {
    await host.dispose();
    await new Promise((resolve) => other.server.close(resolve));
  }, 30_000);

  it('keeps the tab secret to its own origin, across a reload, and sends nothing elsewhere', async () => {
    host.runtime.services.chats.create({ title: 'Only for this tab' });
    await withAppSession(chromium.browser, { host }, async ({ page, context, app }) => {
      // The chat list arrived: the page reached the API.
      await app.chatItems().filter({ hasText: 'Only for this tab' }).waitFor();
      expect(page.url()).not.toContain('token');
      const secret = await page.evaluate(() => sessionStorage.getItem('codeface.tab-secret'));
      expect(secret).toMatch(/^[\w-]{43}$/);
      expect(await context.cookies()).toEqual([]);

      await app.reload();
      await app.chatItems().filter({ hasText: 'Only for this tab' }).waitFor();

      // The same browser visits the other server, and a page there asks it for more.
      const visit = await context.newPage();
      await visit.goto(`${other.origin}/`);
      await visit.evaluate(() => fetch('/probe', { credentials: 'include' }).then((r) => r.text()));
      await visit.close();
      expect(seen.length).toBeGreaterThanOrEqual(2);
      const received = JSON.stringify(seen);
      const token = new URL(host.url).searchParams.get('token');
      expect(token).toMatch(/^[\w-]{43}$/);
      expect(received).not.toContain(String(token));
      expect(received).not.toContain(String(secret));
      expect(seen.every(({ headers }) => headers.cookie === undefined)).toBe(true);
      expect(seen.every(({ headers }) => headers.authorization === undefined)).toBe(true);
    });
  }, 60_000);

  it('tells a tab opened without the link what to do', async () => {
    const { page, context } = await openSession(chromium.browser);
    try {
      await page.goto(`http://127.0.0.1:${host.port}/`);
      await page.getByRole('alert').filter({ hasText: 'link printed by' }).waitFor();
    } finally {
      await context.close();
    }
  }, 60_000);
});
