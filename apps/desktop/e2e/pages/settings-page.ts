import type { Download, Page } from 'playwright-core';

/** The Settings screen: theme, generation parameters, presets and the person's data. */
export class SettingsPage {
  constructor(readonly page: Page) {}

  async chooseTheme(theme: 'light' | 'dark' | 'system'): Promise<void> {
    await this.page.getByTestId(`theme-${theme}`).click();
  }

  async setParam(name: 'temperature' | 'contextSize' | 'gpuLayers', value: string): Promise<void> {
    await this.page.getByTestId(`param-${name}`).fill(value);
  }

  async saveParams(): Promise<void> {
    await this.page.getByTestId('save-params').click();
  }

  paramProblem(name: 'temperature' | 'contextSize' | 'gpuLayers') {
    return this.page.locator(`#cf-param-${name}-hint[role="alert"]`);
  }

  paramsStatus() {
    return this.page.getByTestId('params-form').getByRole('status');
  }

  /** Clicks an export button and returns the file the browser saved. */
  async export(format: 'markdown' | 'json'): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId(`export-${format}`).click();
    return download;
  }
}
