import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useChromium, withAppSession } from './support/app-session';
import { startE2EHost } from './support/e2e-host';
import type { E2EHost } from './support/e2e-host';

/** A person's own presets, made, used, changed and deleted in Settings (issue 19, 0505). */
describe('presets of the person’s own in Chromium, through the web host', () => {
  const chromium = useChromium();
  let host: E2EHost;

  beforeAll(async () => {
    host = await startE2EHost();
    const { models } = host.runtime.services;
    await models.load((await models.import(host.modelPath)).id);
  }, 60_000);
  afterAll(async () => {
    await host.dispose();
  });

  it('creates a preset, answers with it in a chat, edits it and deletes it', async () => {
    await withAppSession(chromium.browser, { host }, async ({ page, app }) => {
      const { settings } = app;
      await app.openSettings();

      // From the keyboard: the form takes focus; a bad value is a sentence beside its field.
      const form = await settings.openNewPreset();
      expect(await app.chat.focused()).toBe('preset-name');
      await page.keyboard.type('Short answers');
      await settings.fillPreset(form, { prompt: 'Answer in one line.', maxAnswerTokens: '3' });
      await form.getByTestId('preset-name').press('Enter');
      await expect
        .poll(() => form.getByRole('alert').innerText())
        .toBe('Maximum answer length must be between 16 and 131,072.');
      await settings.fillPreset(form, { maxAnswerTokens: '24' });
      await form.getByTestId('preset-name').press('Enter');
      await settings.presetEditor('Short answers').waitFor();
      await expect.poll(() => app.chat.focused()).toBe('new-preset');
      expect(
        host.runtime.services.presets.list().find((preset) => preset.name === 'Short answers'),
      ).toMatchObject({ systemPrompt: 'Answer in one line.', maxAnswerTokens: 24, builtin: false });

      // Both themes, to look at.
      await settings.presetSection().scrollIntoViewIfNeeded();
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        await page.waitForFunction(
          (theme) => document.documentElement.dataset.theme === theme,
          colorScheme,
        );
        await settings.presetSection().screenshot({ path: `/tmp/presets-${colorScheme}.png` });
      }
      await page.emulateMedia({ colorScheme: 'light' });

      // In a chat: picked above the message box, its own limit cuts the tiny model's answer.
      await app.newChat();
      await app.chat.presets().filter({ hasText: 'Short answers' }).click();
      await app.chat.send('Tell me everything');
      await app.chat.waitForIdle();
      await expect
        .poll(() => app.chat.lastAssistant().getByTestId('generation-stats').innerText())
        .toMatch(/^24 tokens/);

      // Edited: the new limit applies to the next answer.
      await app.openSettings();
      const editor = settings.presetEditor('Short answers');
      await settings.fillPreset(editor, { maxAnswerTokens: '40' });
      await editor.getByTestId('preset-save').click();
      await expect.poll(() => editor.getByRole('status').innerText()).toBe('Saved.');
      await app.openChat('Tell me everything');
      await app.chat.send('And more');
      await app.chat.waitForIdle();
      await expect
        .poll(() => app.chat.lastAssistant().getByTestId('generation-stats').innerText())
        .toMatch(/^40 tokens/);

      // Deleted: asked first, then gone from Settings, from the message box and from the store.
      await app.openSettings();
      await settings.deletePreset('Short answers');
      await settings.presetEditor('Short answers').waitFor({ state: 'detached' });
      // The editor gives way to the confirmation before the delete is sent: wait for the store.
      await expect
        .poll(() =>
          host.runtime.services.presets.list().some((preset) => preset.name === 'Short answers'),
        )
        .toBe(false);
      await app.newChat();
      expect(await app.chat.presets().filter({ hasText: 'Short answers' }).count()).toBe(0);
    });
  }, 180_000);
});
