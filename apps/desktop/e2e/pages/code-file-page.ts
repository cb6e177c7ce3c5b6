import type { Page } from 'playwright-core';

/** The code-to-file dialog: the path, the diff preview, and the write. */
export class CodeFilePage {
  constructor(readonly page: Page) {}

  dialog() {
    return this.page.getByTestId('code-to-file');
  }

  path() {
    return this.page.getByTestId('code-file-path');
  }

  problem() {
    return this.page.getByTestId('code-file-problem');
  }

  summary() {
    return this.page.getByTestId('diff-summary');
  }

  diff(layout: 'unified' | 'split') {
    return this.page.getByTestId(`diff-${layout}`);
  }

  async showLayout(layout: 'unified' | 'split'): Promise<void> {
    await this.page.getByTestId(`diff-layout-${layout}`).click();
    await this.diff(layout).waitFor();
  }

  /** Types a path inside the workspace and waits for its preview or its refusal. */
  async previewPath(path: string): Promise<void> {
    await this.path().fill(path);
    await this.path().press('Enter');
  }

  /** Opens the workspace browser at the workspace folder. */
  async browse(): Promise<void> {
    await this.page.getByTestId('code-file-browse').click();
    await this.page.getByTestId('code-file-browser').waitFor();
  }

  /** The names the browser lists now, once it has listed them. */
  async browserEntries(): Promise<string[]> {
    const entries = this.page.getByTestId('code-file-browser').locator('.cf-browser-entry');
    await entries.first().waitFor();
    return entries.locator('.cf-browser-name').allInnerTexts();
  }

  async openBrowserEntry(name: string): Promise<void> {
    const entry = this.page
      .getByTestId('code-file-browser')
      .locator('.cf-browser-entry')
      .filter({ has: this.page.locator('.cf-browser-name', { hasText: name }) });
    await entry.click();
  }

  async write(): Promise<void> {
    await this.page.getByTestId('code-file-write').click();
    await this.dialog().waitFor({ state: 'detached' });
  }
}
