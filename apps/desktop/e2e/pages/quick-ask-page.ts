import type { Page } from 'playwright-core';

/** The quick-ask popup as the web host serves it (`quick-ask.html`). */
export class QuickAskPage {
  constructor(readonly page: Page) {}

  /** Opens the popup from the app's origin, once the app page holds the host's token. */
  async open(hostUrl: string): Promise<void> {
    await this.page.goto(new URL('quick-ask.html', hostUrl).toString());
    await this.page.getByTestId('quick-ask').waitFor();
  }

  input() {
    return this.page.getByTestId('quick-ask-input');
  }

  contextChip(kind: 'clipboard' | 'selection') {
    return this.page.getByTestId(`quick-context-${kind}`);
  }

  answer() {
    return this.page.getByTestId('quick-ask-answer');
  }

  noModel() {
    return this.page.getByTestId('quick-ask-no-model');
  }

  async ask(text: string): Promise<void> {
    await this.input().fill(text);
    await this.input().press('Enter');
  }

  /** Waits until the answer is whole: its speed is shown only then. */
  async waitForAnswer(): Promise<void> {
    await this.page.getByTestId('generation-stats').waitFor({ timeout: 60_000 });
  }
}
