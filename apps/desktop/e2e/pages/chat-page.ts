import type { Page } from 'playwright-core';

/** The chat view: messages, the composer, and each message's actions. */
export class ChatPage {
  constructor(readonly page: Page) {}

  composer() {
    return this.page.getByRole('textbox', { name: 'Message' });
  }

  messages() {
    return this.page.getByTestId('message');
  }

  assistantMessages() {
    return this.page.locator('[data-testid="message"][data-role="assistant"]');
  }

  lastAssistant() {
    return this.assistantMessages().last();
  }

  async type(text: string): Promise<void> {
    await this.composer().fill(text);
  }

  async send(text: string): Promise<void> {
    await this.type(text);
    await this.page.getByTestId('send').click();
  }

  /** Waits until the last answer is streaming and has shown some text. */
  async waitForStreamingText(): Promise<void> {
    await this.page
      .locator('[data-role="assistant"][data-status="streaming"] [data-testid="message-content"]')
      .filter({ hasText: /\S/ })
      .first()
      .waitFor();
  }

  /** How far the message list is scrolled from its bottom, and how much it can scroll at all. */
  scrollState(): Promise<{ fromBottom: number; scrollable: number; streaming: boolean }> {
    return this.page.getByTestId('message-list').evaluate((el) => ({
      fromBottom: el.scrollHeight - el.scrollTop - el.clientHeight,
      scrollable: el.scrollHeight - el.clientHeight,
      streaming: document.querySelector('[data-status="streaming"]') !== null,
    }));
  }

  /**
   * How the rendered rows sit in the list's canvas: the largest overlap of a row with the one
   * before it, and how far the last row reaches past the canvas's end (both 0 when every row has
   * been measured).
   */
  rowLayout(): Promise<{ overlap: number; pastCanvas: number }> {
    return this.page.getByTestId('message-list').evaluate((list) => {
      const canvas = list.firstElementChild;
      const rows = [...list.querySelectorAll<HTMLElement>('[data-message-row]')]
        .map((row) => ({ index: Number(row.dataset.index), rect: row.getBoundingClientRect() }))
        .sort((a, b) => a.index - b.index);
      let overlap = 0;
      for (let i = 1; i < rows.length; i++) {
        overlap = Math.max(overlap, (rows[i - 1]?.rect.bottom ?? 0) - (rows[i]?.rect.top ?? 0));
      }
      const last = rows.at(-1)?.rect.bottom ?? 0;
      return { overlap, pastCanvas: last - (canvas?.getBoundingClientRect().bottom ?? last) };
    });
  }

  async stop(): Promise<void> {
    await this.page.getByTestId('stop').click();
  }

  /** Waits until nothing streams (the Send button is back). */
  async waitForIdle(): Promise<void> {
    await this.page.getByTestId('send').waitFor({ timeout: 60_000 });
    await this.page
      .locator('[data-testid="message"][data-status="streaming"]')
      .waitFor({ state: 'detached' });
  }

  async regenerateLast(): Promise<void> {
    await this.lastAssistant().getByTestId('regenerate').click();
  }

  branchPosition(message = this.lastAssistant()) {
    return message.getByTestId('branch-position');
  }

  async previousVersion(message = this.lastAssistant()): Promise<void> {
    await message.getByRole('button', { name: 'Previous version' }).click();
  }

  composerProblem() {
    return this.page.locator('#cf-composer-problem');
  }

  title() {
    return this.page.getByTestId('chat-title');
  }

  jumpToLatest() {
    return this.page.getByTestId('jump-to-latest');
  }

  presets() {
    return this.page.getByRole('group', { name: 'Presets' }).getByRole('button');
  }

  systemPromptToggle() {
    return this.page.getByTestId('system-prompt-toggle');
  }

  systemPromptEditor() {
    return this.page.getByTestId('system-prompt-editor');
  }

  /** The element that has focus, by its test id or, failing that, its accessible name. */
  focused(): Promise<string | null> {
    return this.page.evaluate(() => {
      const el = document.activeElement;
      if (!(el instanceof HTMLElement) || el === document.body) return null;
      return el.dataset.testid ?? el.getAttribute('aria-label') ?? el.textContent?.trim() ?? null;
    });
  }
}
