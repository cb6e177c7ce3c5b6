import type { Page } from 'playwright-core';

/** The Models screen: import, local models, downloads and the catalog. */
export class ModelsPage {
  constructor(readonly page: Page) {}

  async importPath(path: string): Promise<void> {
    await this.page.getByTestId('import-path').fill(path);
    await this.page.getByTestId('import-model').click();
  }

  localModels() {
    return this.page.getByTestId('local-model');
  }

  /** Loads the first local model whose row shows `name`, and waits until it is loaded. */
  async load(name: string | RegExp): Promise<void> {
    const row = this.localModels().filter({ hasText: name }).first();
    // The list refreshes with the engine's state, which waits for the model process to start.
    await row.getByTestId('load-model').click({ timeout: 90_000 });
    await this.page
      .locator('[data-testid="local-model"][data-loaded="true"]')
      .waitFor({ timeout: 90_000 });
  }

  catalogEntries() {
    return this.page.getByTestId('catalog-entry');
  }

  fitBadges() {
    return this.page.getByTestId('fit-badge');
  }

  /** Starts the download of a quantisation of the catalog model named `model`. */
  async download(model: string, quantization: string): Promise<void> {
    const entry = this.catalogEntries().filter({ hasText: model }).first();
    await entry
      .locator('.cf-quant')
      .filter({ hasText: quantization })
      .getByTestId('download-model')
      .click();
  }

  /** The row of the download of `fileName` under Downloads. */
  downloadRow(fileName: string) {
    return this.page.getByTestId('download').filter({ hasText: fileName });
  }

  downloadProgress(fileName: string) {
    return this.page.getByLabel(`Download of ${fileName}`);
  }

  /** Opens the form that adds a remote model server and fills it in. */
  async fillRemoteServer(fields: { url: string; apiKey?: string }): Promise<void> {
    if (!(await this.page.getByTestId('remote-server-form').isVisible())) {
      await this.page.getByTestId('add-remote-server').click();
    }
    await this.page.getByTestId('remote-url').fill(fields.url);
    await this.page.getByTestId('remote-api-key').fill(fields.apiKey ?? '');
  }

  /** Clicks "Test connection" and returns the sentence it shows. */
  async testRemoteServer(): Promise<string> {
    const result = this.page.getByTestId('remote-test-result');
    await this.page.getByTestId('remote-test').click();
    await result.waitFor({ timeout: 20_000 });
    return result.innerText();
  }

  async addRemoteServer(): Promise<void> {
    await this.page.getByTestId('remote-add').click();
    await this.page.getByTestId('remote-server-form').waitFor({ state: 'detached' });
  }

  remoteModels() {
    return this.page.getByTestId('remote-model');
  }

  /** Uses the remote model named `name` and waits until it is the loaded one. */
  async useRemote(name: string): Promise<void> {
    await this.remoteModels().filter({ hasText: name }).getByTestId('load-model').click();
    await this.page
      .locator('[data-testid="remote-model"][data-loaded="true"]')
      .filter({ hasText: name })
      .waitFor({ timeout: 60_000 });
  }
}
