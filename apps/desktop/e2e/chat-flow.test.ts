import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useChromium, withAppSession } from './support/app-session';
import { AppPage } from './pages/app-page';

describe('the chat window in Chromium, through the web host', () => {
  const chromium = useChromium();

  it('first run → import → send → stream → stop → regenerate → switch branch → search → reload → theme → export', async () => {
    await withAppSession(chromium.browser, {}, async ({ host, page, app }) => {
      await app.firstRun().waitFor();

      // The guided first run leads to the models screen, where a file is imported and loaded.
      await page.getByTestId('first-run-import').click();
      // In the web host it opens the file browser; this test types the path on the Models screen.
      await page.getByTestId('model-browser').waitFor();
      await page.keyboard.press('Escape');
      await page.getByTestId('model-browser').waitFor({ state: 'hidden' });
      await app.models.importPath(host.modelPath);
      await app.models.load(/codeface-tiny/);

      await app.newChat();
      await app.chat.send('Explain quicksort to a zebra');
      await app.chat.waitForStreamingText();
      await app.chat.stop();
      await app.chat.waitForIdle();
      const stopped = app.chat.lastAssistant();
      expect(await stopped.getAttribute('data-status')).toBe('interrupted');
      const stoppedText = await stopped.getByTestId('message-content').innerText();
      expect(stoppedText.trim().length).toBeGreaterThan(0);

      await app.chat.regenerateLast();
      await app.chat.waitForIdle();
      await expect.poll(() => app.chat.branchPosition().innerText()).toBe('2/2');
      expect(await app.chat.lastAssistant().getAttribute('data-status')).toBe('done');
      await app.chat.previousVersion();
      await expect.poll(() => app.chat.branchPosition().innerText()).toBe('1/2');
      expect(await app.chat.lastAssistant().getByTestId('message-content').innerText()).toBe(
        stoppedText,
      );

      await app.search('zebra');
      await app.searchHits().first().waitFor();
      expect(await app.searchHits().first().innerText()).toMatch(/zebra/i);
      await app.searchHits().first().click();
      await app.chat.composer().waitFor();
      // The hit is the question, so the chat opens on it with its newest answer below.
      await expect.poll(() => app.chat.branchPosition().innerText()).toBe('2/2');
      const shownAnswer = await app.chat.lastAssistant().getByTestId('message-content').innerText();

      await app.reload();
      await app.openChat('Explain quicksort to a zebra');
      await expect.poll(() => app.chat.messages().count()).toBe(2);
      await expect.poll(() => app.chat.branchPosition().innerText()).toBe('2/2');
      expect(await app.chat.lastAssistant().getByTestId('message-content').innerText()).toBe(
        shownAnswer,
      );
      await app.chat.previousVersion();
      await expect
        .poll(() => app.chat.lastAssistant().getByTestId('message-content').innerText())
        .toBe(stoppedText);

      await app.openSettings();
      await app.settings.chooseTheme('dark');
      await expect.poll(() => app.theme()).toBe('dark');
      await app.reload();
      await expect.poll(() => app.theme()).toBe('dark');
      await app.openSettings();
      await app.settings.chooseTheme('light');
      await expect.poll(() => app.theme()).toBe('light');

      const download = await app.settings.export('markdown');
      expect(download.suggestedFilename()).toMatch(/\.md$/);
      const markdown = await readFile(await download.path(), 'utf8');
      expect(markdown).toContain('## You\n\nExplain quicksort to a zebra');
      // The export holds the answer as saved (raw Markdown), on the branch being shown.
      const chatId = host.runtime.services.chats.list({ includeArchived: false })[0]?.id ?? '';
      const shown = host.runtime.services.chats.branch(chatId).at(-1)?.content ?? '';
      expect(shown.length).toBeGreaterThan(0);
      expect(markdown).toContain(`## Assistant\n\n${shown}`);
    });
  }, 120_000);

  it('reloading in the middle of an answer shows what was written, kept as interrupted', async () => {
    await withAppSession(
      chromium.browser,
      { hostOptions: { maxAnswerTokens: 4096 } },
      async ({ host, app }) => {
        await app.loadModelFile(host.modelPath);
        await app.newChat();
        await app.chat.send('Reload while you answer');
        await app.chat.waitForStreamingText();
        await app.reload();
        await app.openChat('Reload while you answer');
        await expect.poll(() => app.chat.messages().count()).toBe(2);
        await expect
          .poll(() => app.chat.lastAssistant().getAttribute('data-status'))
          .toBe('interrupted');
        const kept = await app.chat.lastAssistant().getByTestId('message-content').innerText();
        expect(kept.trim().length).toBeGreaterThan(0);
      },
    );
  }, 120_000);

  it('a second tab that opens a chat mid-answer shows it grow, and ends with what was saved', async () => {
    await withAppSession(
      chromium.browser,
      { hostOptions: { maxAnswerTokens: 4096 } },
      async ({ host, app, context }) => {
        await app.loadModelFile(host.modelPath);
        await app.newChat();
        await app.chat.send('Answer me in two tabs');
        await app.chat.waitForStreamingText();

        const other = new AppPage(await context.newPage());
        await other.open(host.url);
        await other.openChat('Answer me in two tabs');
        const shown = () => other.chat.lastAssistant().getByTestId('message-content').innerText();
        const first = await shown();
        await expect.poll(async () => (await shown()).length).toBeGreaterThan(first.length);
        expect(await other.chat.lastAssistant().getAttribute('data-status')).toBe('streaming');

        await app.chat.stop();
        await expect
          .poll(() => other.chat.lastAssistant().getAttribute('data-status'))
          .toBe('interrupted');
        await app.chat.waitForIdle();
        expect(await shown()).toBe(
          await app.chat.lastAssistant().getByTestId('message-content').innerText(),
        );
      },
    );
  }, 120_000);

  it('keeps the newest line of a long answer in view while it streams', async () => {
    // A short window, so the answer outgrows it within its first lines.
    await withAppSession(
      chromium.browser,
      { hostOptions: { maxAnswerTokens: 4096 }, session: { height: 480 } },
      async ({ host, page, app }) => {
        await app.loadModelFile(host.modelPath);
        await app.newChat();
        await app.chat.send('Write a long answer');
        await app.chat.waitForStreamingText();
        const samples: { fromBottom: number; scrollable: number }[] = [];
        for (;;) {
          const state = await app.chat.scrollState();
          if (!state.streaming) break;
          if (state.scrollable > 0) samples.push(state);
          await page.waitForTimeout(25);
        }
        // Followed while streaming: never more than a line or two short of the bottom.
        expect(samples.length).toBeGreaterThan(3);
        for (const sample of samples) expect(sample.fromBottom).toBeLessThan(48);
        await app.chat.waitForIdle();
        await expect.poll(async () => (await app.chat.scrollState()).fromBottom).toBeLessThan(2);
        // The answer is not measured while it grows; once it ends, it is, so the canvas holds it
        // and the next turn starts below it.
        await expect.poll(async () => (await app.chat.rowLayout()).pastCanvas).toBeLessThan(1);
        // The answer filled the window: the next question is answered with the older turns left
        // out, counted by the answer's real tokens, rather than overflowing the engine's context.
        await app.chat.send('And a short one');
        await app.chat.waitForIdle();
        expect(await app.chat.lastAssistant().getAttribute('data-status')).toBe('done');
        expect((await app.chat.rowLayout()).overlap).toBeLessThan(1);
      },
    );
  }, 120_000);
});
