import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureTinyModel } from '@codeface/inference/fixtures';
import { describe, expect, it } from 'vitest';
import { startModelServer } from '../test/support/model-server';
import { useChromium, withAppSession } from './support/app-session';
import { modelProcessIds } from './support/model-process';
import { shootBothThemes } from './support/screenshots';

type Box = { x: number; y: number; width: number; height: number };

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** What a person sees while a model loads, and while a download waits, retries and fails. */
describe('model and download states in Chromium, through the web host', () => {
  const chromium = useChromium();

  it('says the model is loading in the chat and holds a message until it is ready, then answers', async () => {
    await withAppSession(chromium.browser, {}, async ({ host, page, app }) => {
      await app.openModels();
      await app.models.importPath(host.modelPath);
      const row = app.models
        .localModels()
        .filter({ hasText: /codeface-tiny/ })
        .first();
      await row.getByTestId('load-model').waitFor({ timeout: 90_000 });
      // The model process is stopped for the load, so the test sees what a person sees while a
      // large model reads its weights, for as long as it needs to.
      const [pid] = await modelProcessIds();
      if (pid === undefined) throw new Error('The web host started no model process.');
      process.kill(pid, 'SIGSTOP');
      try {
        await row.getByTestId('load-model').click();
        await app.newChat();
        const status = page.getByTestId('model-status');
        await expect
          .poll(() => status.innerText())
          .toMatch(/^Loading codeface-tiny.*… it can answer as soon as it is ready\.$/);
        await app.chat.send('Write a loop in C');
        await expect
          .poll(() => app.chat.composerProblem().innerText())
          .toBe('The model is still loading; send when it is ready.');
        // The message waits in the box: nothing was sent, nothing was lost.
        expect(await app.chat.messages().count()).toBe(0);
        expect(await app.chat.composer().inputValue()).toBe('Write a loop in C');
        await shootBothThemes(page, 'model-loading');
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      await page.getByTestId('model-status').waitFor({ state: 'detached', timeout: 90_000 });
      await page.getByTestId('send').click();
      await app.chat.lastAssistant().waitFor();
      await app.chat.waitForIdle();
      expect(await app.chat.messages().first().innerText()).toContain('Write a loop in C');
      expect((await app.chat.lastAssistant().innerText()).trim()).not.toBe('');
    });
  }, 180_000);

  it('shows a download connecting, moving, retrying with no connection, then failed on its row with Resume and Remove', async () => {
    const modelPath = await ensureTinyModel();
    // Slow to answer (Connecting…), then a few KiB at a time, so each state lasts long enough.
    const serve = (port?: number) =>
      startModelServer({
        modelPath,
        chunkBytes: 4 * 1024,
        pauseMs: 100,
        answerAfterMs: 1500,
        port,
      });
    let server = await serve();
    const port = server.port;
    try {
      await withAppSession(
        chromium.browser,
        { hostOptions: { huggingFaceEndpoint: server.endpoint } },
        async ({ host, page, app }) => {
          const first = 'qwen2.5-coder-0.5b-instruct-q4_k_m.gguf';
          const second = 'qwen2.5-coder-0.5b-instruct-q8_0.gguf';
          const part = (fileName: string) => join(host.dataDir, 'models', `${fileName}.part`);
          const status = (fileName: string) =>
            app.models.downloadRow(fileName).getByTestId('download-status').innerText();

          await app.openModels();
          await app.models.fitBadges().first().waitFor({ timeout: 60_000 });
          await app.models.download('Qwen2.5-Coder 0.5B', 'Q4_K_M');
          await expect.poll(() => status(first)).toBe('Connecting…');
          // Nothing measured yet: the bar says so rather than showing a fill.
          const progress = app.models.downloadProgress(first);
          expect(await progress.getAttribute('aria-valuenow')).toBeNull();
          await app.models.download('Qwen2.5-Coder 0.5B', 'Q8_0');
          // Both have part of their file when the server goes, so both leave a `.part`.
          for (const fileName of [first, second]) {
            const bar = app.models.downloadProgress(fileName);
            await expect
              .poll(async () => Number(await bar.getAttribute('aria-valuenow')), {
                timeout: 30_000,
              })
              .toBeGreaterThan(0);
          }
          expect(await status(first)).toMatch(/\/s/);

          // The server goes away mid-download: nothing listens on its port any more.
          await server.close();
          await expect
            .poll(() => status(first), { timeout: 30_000 })
            .toMatch(/^No connection — retrying in \d+ s \(attempt [2-5] of 5\)$/);

          // The end is seen from the chat: its toast sits where it hides nothing.
          await app.newChat();
          const toasts = page.getByTestId('toast');
          await toasts.first().waitFor({ timeout: 60_000 });
          for (const width of [1280, 360]) {
            await page.setViewportSize({ width, height: 740 });
            const composer = await page.getByTestId('composer').boundingBox();
            if (!composer) throw new Error('The composer is not on screen.');
            for (const toast of await toasts.all()) {
              const box = await toast.boundingBox();
              if (box) expect(overlaps(box, composer)).toBe(false);
            }
          }
          await page.setViewportSize({ width: 1280, height: 800 });

          // After a reload the failures are on their rows, and no toast repeats them.
          await app.reload();
          await app.openModels();
          const failed = app.models.downloadRow(first);
          await expect.poll(() => failed.getAttribute('data-state')).toBe('failed');
          await expect
            .poll(() => app.models.downloadRow(second).getAttribute('data-state'))
            .toBe('failed');
          // One sentence for a person (the row names the file), not a failure wrapped in another.
          expect(await status(first)).toBe(
            'The download server could not be reached. Check your connection, then Resume: what arrived is kept.',
          );
          expect(await toasts.count()).toBe(0);
          expect(await exists(part(first))).toBe(true);

          // Back online, Resume continues from the part while the other row stays failed.
          server = await serve(port);
          await failed.getByTestId('resume-download').click();
          // Until the resumed download takes its place, the failed row still shows what arrived
          // before: its bar is not the resumed one's progress.
          await expect.poll(() => failed.getAttribute('data-state')).toBe('downloading');
          await expect
            .poll(async () => Number(await progress.getAttribute('aria-valuenow')), {
              timeout: 30_000,
            })
            .toBeGreaterThan(0);
          expect(server.starts.some((start) => start > 0)).toBe(true);
          const secondRow = app.models.downloadRow(second);
          await secondRow.getByTestId('resume-download').waitFor();
          await shootBothThemes(
            page,
            'model-downloads',
            page.locator('section[aria-label="Downloads"]'),
          );

          // Remove forgets the failed download and deletes what it left.
          expect(await exists(part(second))).toBe(true);
          await secondRow.getByTestId('remove-download').click();
          await secondRow.waitFor({ state: 'detached' });
          await expect.poll(() => exists(part(second))).toBe(false);

          // The resumed download ends as a model on this computer, and its row goes.
          await failed.waitFor({ state: 'detached', timeout: 60_000 });
          await expect.poll(() => app.models.localModels().count()).toBe(1);
        },
      );
    } finally {
      await server.close();
    }
  }, 240_000);
});
