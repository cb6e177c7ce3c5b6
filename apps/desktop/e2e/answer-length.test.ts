import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useChromium, withAppSession } from './support/app-session';
import { startE2EHost } from './support/e2e-host';
import type { E2EHost } from './support/e2e-host';

/** The maximum answer length as a person meets it (issue 18): cut, said so, continued. */
describe('the answer-length limit in Chromium, through the web host', () => {
  const chromium = useChromium();
  let host: E2EHost;

  beforeAll(async () => {
    // The tiny model never ends its turn on its own, so every answer meets the limit.
    host = await startE2EHost({ maxAnswerTokens: 16 });
    const { models } = host.runtime.services;
    await models.load((await models.import(host.modelPath)).id);
  }, 60_000);
  afterAll(async () => {
    await host.dispose();
  });

  it('says an answer was cut by the length limit, and Continue writes more of the same answer', async () => {
    await withAppSession(chromium.browser, { host }, async ({ app }) => {
      await app.newChat();
      await app.chat.send('Tell me everything');
      await app.chat.waitForIdle();
      const answer = app.chat.lastAssistant();
      await answer.getByTestId('cut-by-limit').waitFor();
      expect(await answer.getByTestId('cut-by-limit').innerText()).toContain(
        'Cut by the length limit.',
      );
      const before = await answer.getByTestId('message-content').innerText();
      expect(await answer.getByTestId('generation-stats').innerText()).toMatch(/^16 tokens/);

      await answer.getByTestId('continue-answer').click();
      await app.chat.waitForIdle();
      // One answer, longer, with both parts' tokens; still cut, so Continue is there again.
      expect(await app.chat.assistantMessages().count()).toBe(1);
      await expect
        .poll(() => answer.getByTestId('generation-stats').innerText())
        .toMatch(/^32 tokens/);
      const after = await answer.getByTestId('message-content').innerText();
      expect(after.length).toBeGreaterThan(before.length);
      expect(after.startsWith(before.trimEnd().slice(0, 10))).toBe(true);
      await answer.getByTestId('continue-answer').waitFor();
    });
  }, 120_000);
});
