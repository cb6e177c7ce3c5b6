import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppSession, useChromium, withAppSession } from './support/app-session';
import { startE2EHost } from './support/e2e-host';
import type { E2EHost } from './support/e2e-host';

/** Chats as a newcomer meets them: drafts, titles, the way down, Escape, images, a narrow window. */
describe('chats in Chromium, through the web host', () => {
  const chromium = useChromium();
  let host: E2EHost;

  beforeAll(async () => {
    host = await startE2EHost({ maxAnswerTokens: 24 });
    const { models } = host.runtime.services;
    await models.load((await models.import(host.modelPath)).id);
  }, 60_000);
  afterAll(async () => {
    await host.dispose();
  });

  const savedTitles = () =>
    host.runtime.services.chats.list({ includeArchived: true }).map((chat) => chat.title);

  /** A saved chat of `turns` question/answer pairs, written straight to the store. */
  const seedChat = (title: string, turns: number, words = 6): string => {
    const { chats, store } = host.runtime.services;
    const chat = chats.create({ title });
    let parentId: string | null = null;
    for (let turn = 0; turn < turns; turn++) {
      for (const role of ['user', 'assistant'] as const) {
        const content = `${title} ${role} ${turn} ${'word '.repeat(words)}`.trim();
        parentId = store.appendMessage({ chatId: chat.id, parentId, role, content }).id;
      }
    }
    return chat.id;
  };

  it('keeps a new chat as a draft until its first message: an empty one is dropped, a typed one kept', async () => {
    seedChat('An older chat', 1);
    await withAppSession(chromium.browser, { host }, async ({ app }) => {
      const before = savedTitles().length;

      await app.newChat();
      expect(await app.chat.title().innerText()).toBe('New chat');
      await expect.poll(() => app.chatItems().count()).toBe(before);
      expect(savedTitles()).toHaveLength(before);

      // Left empty: nothing was saved, and nothing comes back.
      await app.openChat('An older chat');
      await app.newChat();
      expect(await app.chat.composer().inputValue()).toBe('');

      // Typed into, then left: the text is waiting when the person comes back.
      await app.chat.type('Half a thought');
      await app.openChat('An older chat');
      await app.newChat();
      expect(await app.chat.composer().inputValue()).toBe('Half a thought');
      expect(savedTitles()).toHaveLength(before);

      // Its preset goes with it, and the first message saves it, titled from that message.
      await app.chat.presets().filter({ hasText: 'Explain' }).click();
      await app.chat.type('What does a draft become?');
      await app.chat.composer().press('Enter');
      await expect.poll(() => app.chat.title().innerText()).toBe('What does a draft become?');
      await expect
        .poll(() => app.chatItems().filter({ hasText: 'What does a draft become?' }).count())
        .toBe(1);
      await app.chat.waitForIdle();
      const saved = host.runtime.services.chats
        .list({ includeArchived: true })
        .find((chat) => chat.title === 'What does a draft become?');
      expect(saved?.preset).toBe('explain');
      expect(savedTitles()).toHaveLength(before + 1);
      // The composer the person typed in still has focus, for the next question.
      expect(await app.chat.focused()).toBe('composer-input');
    });
  }, 60_000);

  it('shows the title at once when the model refuses a first message that is too long', async () => {
    await withAppSession(chromium.browser, { host }, async ({ page, app }) => {
      await app.newChat();
      // The tiny model's context holds a few thousand tokens; its vocabulary is one byte each.
      await app.chat.send(`Too long for the context\n${'x'.repeat(40_000)}`);
      await expect
        .poll(() => app.toasts().allInnerTexts())
        .toEqual(expect.arrayContaining([expect.stringMatching(/context|too long/i)]));
      // The toast covers nothing: not the composer, not its Send button, in a narrow window too.
      for (const width of [1280, 360]) {
        await page.setViewportSize({ width, height: 740 });
        const toast = await page.getByTestId('toast').first().boundingBox();
        const composer = await page.getByTestId('composer').boundingBox();
        if (!toast || !composer) throw new Error('the toast or the composer is not on screen');
        expect(toast.y + toast.height).toBeLessThanOrEqual(composer.y);
      }
      await expect.poll(() => app.chat.title().innerText()).toBe('Too long for the context');
      await expect
        .poll(() => app.chatItems().filter({ hasText: 'Too long for the context' }).count())
        .toBe(1);
    });
  }, 60_000);

  it('offers “↓ Latest” only while the newest message is out of view', async () => {
    seedChat('Short chat about pills', 1);
    seedChat('Long chat about pills', 30, 40);
    await withAppSession(chromium.browser, { host }, async ({ page, app }) => {
      // A search hit opens a chat that fits on screen: there is nowhere further down to go.
      await app.search('Short chat about pills user');
      await app.searchHits().filter({ hasText: 'Short chat about pills' }).first().click();
      await app.chat.messages().first().waitFor();
      await page.waitForTimeout(300);
      expect(await app.chat.jumpToLatest().count()).toBe(0);

      // A hit early in a long chat: the newest message is far below, and the pill leads there.
      await app.search('Long chat about pills user 1 ');
      await app.searchHits().filter({ hasText: 'Long chat about pills' }).last().click();
      await expect.poll(() => app.chat.jumpToLatest().count()).toBe(1);
      await app.chat.jumpToLatest().click();
      await expect.poll(() => app.chat.jumpToLatest().count()).toBe(0);
      await expect.poll(async () => (await app.chat.scrollState()).fromBottom).toBeLessThan(2);

      // Scrolling up until the newest message leaves the view brings it back.
      await page.getByTestId('message-list').evaluate((el) => el.scrollTo({ top: 0 }));
      await expect.poll(() => app.chat.jumpToLatest().count()).toBe(1);
    });
  }, 60_000);

  it('closes every panel and dialog on Escape and gives focus back to what opened it', async () => {
    seedChat('Escape routes', 1);
    await withAppSession(chromium.browser, { host }, async ({ page, app }) => {
      await app.openChat('Escape routes');

      await app.chat.systemPromptToggle().click();
      await app.chat.systemPromptEditor().waitFor();
      await page.keyboard.press('Escape');
      await app.chat.systemPromptEditor().waitFor({ state: 'detached' });
      expect(await app.chat.focused()).toBe('system-prompt-toggle');

      const item = app.chatItems().filter({ hasText: 'Escape routes' });
      await item.getByTestId('chat-menu').click();
      await page.getByRole('menu').waitFor();
      await page.keyboard.press('Escape');
      await page.getByRole('menu').waitFor({ state: 'detached' });
      expect(await app.chat.focused()).toBe('chat-menu');

      await item.getByTestId('chat-menu').click();
      await page.getByRole('menuitem', { name: 'Rename' }).click();
      await page.getByTestId('rename-input').waitFor();
      await page.keyboard.press('Escape');
      await page.getByTestId('rename-input').waitFor({ state: 'detached' });
      expect(await app.chat.focused()).toBe('Escape routes');

      await app.chat.messages().first().getByTestId('edit-message').click();
      await page.getByRole('textbox', { name: 'Edit message' }).waitFor();
      await page.keyboard.press('Escape');
      await page.getByRole('textbox', { name: 'Edit message' }).waitFor({ state: 'detached' });
      expect(await app.chat.focused()).toBe('edit-message');

      await app.chat.composer().focus();
      await page.keyboard.press('Control+k');
      await page.getByTestId('command-palette').waitFor();
      await page.keyboard.press('Escape');
      await page.getByTestId('command-palette').waitFor({ state: 'detached' });
      expect(await app.chat.focused()).toBe('composer-input');

      await app.chat.messages().first().click();
      await page.keyboard.press('?');
      await page.getByTestId('shortcuts-sheet').waitFor();
      await page.keyboard.press('Escape');
      await page.getByTestId('shortcuts-sheet').waitFor({ state: 'detached' });

      // In a narrow window the chat list is a drawer over the chat.
      await page.setViewportSize({ width: 360, height: 740 });
      await page.getByTestId('open-drawer').click();
      await page.getByTestId('new-chat').waitFor({ state: 'visible' });
      await page.keyboard.press('Escape');
      await page.getByTestId('new-chat').waitFor({ state: 'hidden' });
      expect(await app.chat.focused()).toBe('open-drawer');
    });
  }, 60_000);

  it('shows an image in a question as a link and never fetches it', async () => {
    const violations: string[] = [];
    const watchViolations = async ({ page }: AppSession) => {
      await page.exposeFunction('reportViolation', (uri: string) => violations.push(uri));
      await page.addInitScript({
        content: `document.addEventListener('securitypolicyviolation', (event) =>
          window.reportViolation(event.blockedURI));`,
      });
    };
    await withAppSession(
      chromium.browser,
      { host, beforeOpen: watchViolations },
      async ({ page, app }) => {
        await app.newChat();
        await app.chat.send('What is in ![the diagram](http://127.0.0.1:9/diagram.png) here?');
        await app.chat.waitForIdle();
        const question = app.chat.messages().first();
        const link = question.getByRole('link', { name: 'Image: the diagram' });
        expect(await link.getAttribute('href')).toBe('http://127.0.0.1:9/diagram.png');
        expect(await page.getByTestId('message-list').locator('img').count()).toBe(0);
        // Nothing asked for the image, so the CSP, the second wall, had nothing to refuse.
        expect(violations).toEqual([]);
      },
    );
  }, 60_000);

  it('keeps every preset within reach in a 360 px window', async () => {
    await withAppSession(
      chromium.browser,
      { host, session: { width: 360, height: 740 } },
      async ({ page, app }) => {
        // The sidebar is a closed drawer here; the shortcut starts a chat as its button does.
        await page.keyboard.press('Control+Shift+O');
        await app.chat.composer().waitFor();
        const presets = app.chat.presets();
        const count = await presets.count();
        expect(count).toBeGreaterThanOrEqual(5);
        for (let index = 0; index < count; index++) {
          const box = await presets.nth(index).boundingBox();
          expect(box?.x).toBeGreaterThanOrEqual(0);
          expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(360);
        }
        await presets.last().click();
        expect(await presets.last().getAttribute('aria-pressed')).toBe('true');
      },
    );
  }, 60_000);
});
