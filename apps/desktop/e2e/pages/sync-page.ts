import type { Page } from 'playwright-core';

/** Settings → Sync and the sidebar's sync indicator. */
export class SyncPage {
  constructor(readonly page: Page) {}

  section() {
    return this.page.getByTestId('sync-settings');
  }

  indicator() {
    return this.page.getByTestId('sync-indicator');
  }

  /** Waits until the sidebar indicator shows `state` (`synced`, `off`, …). */
  async waitForState(state: string): Promise<void> {
    await this.page.locator(`[data-testid="sync-indicator"][data-state="${state}"]`).waitFor();
  }

  async testConnection(url: string): Promise<string> {
    await this.page.getByTestId('sync-url').fill(url);
    await this.page.getByTestId('sync-test').click();
    return this.page.getByTestId('sync-test-result').innerText();
  }

  private async fill(input: { url: string; email: string; deviceName?: string }): Promise<void> {
    await this.page.getByTestId('sync-url').fill(input.url);
    await this.page.getByTestId('sync-email').fill(input.email);
    if (input.deviceName !== undefined) {
      await this.page.getByTestId('sync-device-name').fill(input.deviceName);
    }
  }

  async createAccount(input: {
    url: string;
    email: string;
    password: string;
    deviceName?: string;
  }): Promise<void> {
    await this.page.getByTestId('sync-mode-sign-up').click();
    await this.fill(input);
    await this.page.getByTestId('sync-password').fill(input.password);
    await this.page.getByTestId('sync-submit').click();
  }

  async signIn(input: {
    url: string;
    email: string;
    password: string;
    deviceName?: string;
  }): Promise<void> {
    await this.page.getByTestId('sync-mode-sign-in').click();
    await this.fill(input);
    await this.page.getByTestId('sync-password').fill(input.password);
    await this.page.getByTestId('sync-submit').click();
  }

  async restoreWithRecoveryKey(input: {
    url: string;
    email: string;
    recoveryKey: string;
    newPassword: string;
    deviceName?: string;
  }): Promise<void> {
    await this.page.getByTestId('sync-mode-recovery').click();
    await this.fill(input);
    await this.page.getByTestId('sync-recovery-key').fill(input.recoveryKey);
    await this.page.getByTestId('sync-new-password').fill(input.newPassword);
    await this.page.getByTestId('sync-submit').click();
  }

  /**
   * Reads the recovery key shown after sign-up or a recovery sign-in (groups joined by dashes),
   * then confirms it was saved.
   */
  async saveRecoveryKey(): Promise<string> {
    await this.page.getByTestId('recovery-key-screen').waitFor({ timeout: 60_000 });
    const groups = await this.page.locator('[data-testid="recovery-key"] span').allInnerTexts();
    await this.page.getByTestId('recovery-key-saved').check();
    await this.page.getByTestId('recovery-key-done').click();
    return groups.join('-');
  }

  problem() {
    return this.page.getByTestId('sync-problem');
  }

  signedIn() {
    return this.page.getByTestId('sync-signed-in');
  }

  devices() {
    return this.page.getByTestId('sync-device');
  }

  async revoke(deviceName: string): Promise<void> {
    const device = this.devices().filter({ hasText: deviceName });
    await device.getByTestId('sync-revoke').click();
    await device.getByTestId('sync-revoke-confirm').click();
  }
}
