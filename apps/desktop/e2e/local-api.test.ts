import { createServer } from 'node:net';
import type { Server } from 'node:net';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useChromium, withAppSession } from './support/app-session';

/** A port that was free a moment ago, and a server holding another one. */
async function listenOnFreePort(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: Server) => (server.address() as { port: number }).port;
const closeServer = (server: Server) =>
  new Promise<void>((resolve) => server.close(() => resolve()));

describe('Settings → Local API in Chromium, called with the openai npm client', () => {
  const chromium = useChromium();

  it('is off, turns on at a chosen port, serves the loaded model, renews its key and turns off', async () => {
    const taken = await listenOnFreePort();
    const free = await listenOnFreePort();
    const port = portOf(free);
    await closeServer(free);
    try {
      await withAppSession(
        chromium.browser,
        {
          beforeOpen: ({ context, host }) =>
            context.grantPermissions(['clipboard-read', 'clipboard-write'], {
              origin: new URL(host.url).origin,
            }),
        },
        async ({ host, page, app }) => {
          await page.getByTestId('first-run-import').click();
          // In the web host it opens the file browser; this test types the path on the Models screen.
          await page.getByTestId('model-browser').waitFor();
          await page.keyboard.press('Escape');
          await page.getByTestId('model-browser').waitFor({ state: 'hidden' });
          await app.models.importPath(host.modelPath);
          await app.models.load(/codeface-tiny/);

          await app.openSettings();
          await expect
            .poll(() => app.settings.localApiState().innerText())
            .toBe('Off: nothing listens.');
          await app.settings.startLocalApi(port);
          const baseURL = `http://127.0.0.1:${port}/v1`;
          await expect
            .poll(() => app.settings.localApiState().innerText(), { timeout: 20_000 })
            .toBe(`Running at ${baseURL}`);
          const token = await app.settings.localApiToken();
          expect(token).toMatch(/^[\w-]{43}$/);
          await page.getByTestId('local-api-copy').click();
          expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
          const setup = await page.getByTestId('local-api-setup').innerText();
          expect(setup).toContain(baseURL);
          const model = /Model\s+(\S+)/.exec(setup)?.[1];

          // The setup text is all a client needs: base URL, key and model name.
          const client = new OpenAI({ baseURL, apiKey: token, maxRetries: 0, timeout: 60_000 });
          expect((await client.models.list()).data.map((m) => m.id)).toEqual([model]);
          const completion = await client.chat.completions.create({
            model: model ?? '',
            messages: [{ role: 'user', content: 'Say hello' }],
            max_tokens: 8,
            temperature: 0,
          });
          expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);

          // A new key: the old one is refused at once, the new one works.
          await page.getByTestId('local-api-regenerate').click();
          await expect.poll(() => app.settings.localApiToken()).not.toBe(token);
          const renewed = await app.settings.localApiToken();
          await expect(client.models.list()).rejects.toMatchObject({ status: 401 });
          const renewedClient = new OpenAI({ baseURL, apiKey: renewed, maxRetries: 0 });
          expect((await renewedClient.models.list()).data).toHaveLength(1);

          // A taken port is refused in a sentence, and the API keeps serving where it was.
          await app.settings.startLocalApi(portOf(taken));
          await expect
            .poll(() => app.settings.localApiResult().innerText())
            .toBe(`Port ${portOf(taken)} is already used by another program: pick another port.`);
          expect((await renewedClient.models.list()).data).toHaveLength(1);

          await app.settings.stopLocalApi();
          await expect
            .poll(() => app.settings.localApiState().innerText())
            .toBe('Off: nothing listens.');
          await expect(renewedClient.models.list()).rejects.toThrow(/Connection error/);
        },
      );
    } finally {
      await closeServer(taken);
    }
  }, 120_000);
});
