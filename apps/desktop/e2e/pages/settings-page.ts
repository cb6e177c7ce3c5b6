import type { Download, Page } from 'playwright-core';

/**
 * The Settings screen: theme, the quick ask's hotkey, generation parameters, presets, the local
 * API and the person's data.
 */
export class SettingsPage {
  constructor(readonly page: Page) {}

  async chooseTheme(theme: 'light' | 'dark' | 'system'): Promise<void> {
    await this.page.getByTestId(`theme-${theme}`).click();
  }

  hotkey() {
    return this.page.getByTestId('hotkey-settings');
  }

  /** Opens the hotkey recorder and presses `keys` (Playwright's syntax: `Control+Alt+K`). */
  async recordHotkey(keys: string): Promise<void> {
    await this.page.getByTestId('hotkey-change').click();
    await this.page.getByTestId('hotkey-recorder').press(keys);
  }

  async saveHotkey(): Promise<void> {
    await this.page.getByTestId('hotkey-save').click();
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

  presetSection() {
    return this.page.getByRole('region', { name: 'Presets' });
  }

  /** The editor of one of the person's presets, by its name. */
  presetEditor(name: string) {
    return this.page.getByRole('form', { name: `Preset ${name}` });
  }

  /** Fills the fields of a preset form (the new one, or an editor); `undefined` leaves one as is. */
  async fillPreset(
    form: ReturnType<Page['getByRole']>,
    fields: { name?: string; prompt?: string; maxAnswerTokens?: string },
  ): Promise<void> {
    if (fields.name !== undefined) await form.getByTestId('preset-name').fill(fields.name);
    if (fields.prompt !== undefined) await form.getByTestId('preset-prompt').fill(fields.prompt);
    if (fields.maxAnswerTokens !== undefined) {
      await form.getByTestId('preset-max-answer-tokens').fill(fields.maxAnswerTokens);
    }
  }

  /** Opens the form for a new preset, from the keyboard as a person would. */
  async openNewPreset() {
    await this.page.getByTestId('new-preset').focus();
    await this.page.keyboard.press('Enter');
    const form = this.page.getByRole('form', { name: 'New preset' });
    await form.waitFor();
    return form;
  }

  async deletePreset(name: string): Promise<void> {
    await this.presetEditor(name).getByTestId('preset-delete').click();
    await this.page.getByTestId('preset-delete-confirm').click();
  }

  /** Clicks an export button and returns the file the browser saved. */
  async export(format: 'markdown' | 'json'): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId(`export-${format}`).click();
    return download;
  }

  /** Types the port and turns the local API on (or moves it there when it is on already). */
  async startLocalApi(port: number): Promise<void> {
    await this.page.getByTestId('local-api-port').fill(String(port));
    const enabled = this.page.getByTestId('local-api-enabled');
    if (await enabled.isChecked()) await this.page.getByTestId('local-api-apply').click();
    // The box follows the API's state, which changes once the server has started: a click.
    else await enabled.click();
  }

  async stopLocalApi(): Promise<void> {
    await this.page.getByTestId('local-api-enabled').click();
  }

  /** The sentence that says where the local API runs, or that it is off. */
  localApiState() {
    return this.page.getByTestId('local-api-state');
  }

  localApiResult() {
    return this.page.getByTestId('local-api-result');
  }

  async localApiToken(): Promise<string> {
    return (await this.page.getByTestId('local-api-token').innerText()).trim();
  }
}
