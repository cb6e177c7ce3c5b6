import { describe, expect, it } from 'vitest';
import { startModelServer } from '../test/support/model-server';
import { useChromium, withAppSession } from './support/app-session';
import { startE2EHost } from './support/e2e-host';

describe('models and bad input in Chromium, through the web host', () => {
  const chromium = useChromium();

  it('downloads a catalog model from a local server with a progress bar, then loads it', async () => {
    const probe = await startE2EHost();
    const server = await startModelServer({
      modelPath: probe.modelPath,
      chunkBytes: 16 * 1024,
      pauseMs: 60,
    });
    await probe.dispose();
    try {
      await withAppSession(
        chromium.browser,
        { hostOptions: { huggingFaceEndpoint: server.endpoint } },
        async ({ page, app }) => {
          await page.getByTestId('first-run-catalog').click();
          await page.getByTestId('models-screen').waitFor();
          await app.models.fitBadges().first().waitFor({ timeout: 60_000 });
          await app.models.download('Qwen2.5-Coder 0.5B', 'Q4_K_M');

          const progress = app.models.downloadProgress('qwen2.5-coder-0.5b-instruct-q4_k_m.gguf');
          await progress.waitFor();
          // Part-way: the bar has moved but is not full, and the status shows a speed.
          await expect
            .poll(async () => Number(await progress.getAttribute('aria-valuenow')), {
              timeout: 30_000,
            })
            .toBeGreaterThan(0);
          const max = Number(await progress.getAttribute('aria-valuemax'));
          expect(Number(await progress.getAttribute('aria-valuenow'))).toBeLessThan(max);
          expect(await page.getByTestId('download-status').first().innerText()).toMatch(/\/s/);

          await app.models.localModels().first().waitFor({ timeout: 30_000 });
          expect(
            server.requests.some((url) => url.endsWith('qwen2.5-coder-0.5b-instruct-q4_k_m.gguf')),
          ).toBe(true);
          await app.models.load(/./);
          // A small model is kept in RAM, so a pause in the chat does not page its weights out.
          await expect
            .poll(() => page.getByTestId('weight-memory').innerText(), { timeout: 10_000 })
            .toBe('Weights held in RAM');
        },
      );
    } finally {
      await server.close();
    }
  }, 120_000);

  it('answers bad input with clear messages: empty send, a huge paste, invalid settings', async () => {
    await withAppSession(chromium.browser, {}, async ({ host, page, app }) => {
      await app.openModels();
      await app.models.importPath('/no/such/model.gguf');
      await expect
        .poll(() => app.toasts().allInnerTexts())
        .toEqual(
          expect.arrayContaining([
            // The page never gets a host path back, not even the one it sent (decision 0406).
            expect.stringMatching(/There is no model file at that path\./),
          ]),
        );
      await app.models.importPath(host.modelPath);
      await app.models.load(/codeface-tiny/);

      await app.newChat();
      await page.getByTestId('send').click();
      await expect.poll(() => app.chat.composerProblem().innerText()).toMatch(/Type a message/i);

      await app.chat.type('x'.repeat(250_000));
      await page.getByTestId('send').click();
      await expect.poll(() => app.chat.composerProblem().innerText()).toMatch(/200,000/);
      expect(await app.chat.messages().count()).toBe(0);

      await app.openSettings();
      await app.settings.setParam('temperature', '5');
      await app.settings.saveParams();
      await expect
        .poll(() => app.settings.paramProblem('temperature').innerText())
        .toMatch(/Temperature must be between 0 and 2/);
      await app.settings.setParam('contextSize', 'lots');
      await app.settings.saveParams();
      await expect
        .poll(() => app.settings.paramProblem('contextSize').innerText())
        .toMatch(/must be a number/);
    });
  }, 120_000);
});
