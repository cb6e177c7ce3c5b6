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

  downloadProgress(fileName: string) {
    return this.page.getByLabel(`Download of ${fileName}`);
  }
}
