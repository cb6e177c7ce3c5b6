import type { Page } from 'playwright-core';
import { ChatPage } from './chat-page';
import { ModelsPage } from './models-page';
import { SettingsPage } from './settings-page';
import { SyncPage } from './sync-page';

/** The whole window: the sidebar and whichever screen is open. */
export class AppPage {
  readonly chat: ChatPage;
  readonly models: ModelsPage;
  readonly settings: SettingsPage;
  readonly sync: SyncPage;

  constructor(readonly page: Page) {
    this.chat = new ChatPage(page);
    this.models = new ModelsPage(page);
    this.settings = new SettingsPage(page);
    this.sync = new SyncPage(page);
  }

  /** Opens the link `codeface serve` prints and waits for the app to draw. */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    // Attached, not visible: in a narrow window the sidebar is a closed drawer.
    await this.page.getByTestId('sidebar').waitFor({ state: 'attached' });
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.page.getByTestId('sidebar').waitFor({ state: 'attached' });
  }

  firstRun() {
    return this.page.getByTestId('first-run');
  }

  async newChat(): Promise<void> {
    await this.page.getByTestId('new-chat').click();
    await this.chat.composer().waitFor();
  }

  chatItems() {
    return this.page.getByTestId('chat-item');
  }

  async openChat(title: string): Promise<void> {
    await this.chatItems().filter({ hasText: title }).first().click();
    await this.chat.composer().waitFor();
  }

  async openModels(): Promise<void> {
    await this.page.getByTestId('nav-models').click();
    await this.page.getByTestId('models-screen').waitFor();
  }

  /** Opens Models, imports the model file at `path` and loads it (the fixture model). */
  async loadModelFile(path: string): Promise<void> {
    await this.openModels();
    await this.models.importPath(path);
    await this.models.load(/codeface-tiny/);
  }

  async openSettings(): Promise<void> {
    await this.page.getByTestId('nav-settings').click();
    await this.page.getByTestId('settings-screen').waitFor();
  }

  async search(query: string): Promise<void> {
    await this.page.getByTestId('search-input').fill(query);
  }

  searchHits() {
    return this.page.getByTestId('search-hit');
  }

  /** The theme the page shows now (`light` or `dark`). */
  theme(): Promise<string | undefined> {
    return this.page.evaluate(() => document.documentElement.dataset.theme);
  }

  toasts() {
    return this.page.locator('[role="alert"], [role="status"]');
  }
}
