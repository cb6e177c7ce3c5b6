import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeFilePage } from './pages/code-file-page';
import { useChromium, withAppSession } from './support/app-session';
import { startE2EHost } from './support/e2e-host';
import type { E2EHost } from './support/e2e-host';

const ANSWER = [
  'Here is the new file.',
  '',
  '```ts src/app.ts',
  "export const greet = (name: string): string => 'Hello, ' + name;",
  '```',
  '',
  'And the change to the helper:',
  '',
  '```ts',
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '```',
].join('\n');

const OLD_UTIL = 'export function add(a, b) {\n  return a - b;\n}\n';

/** Code from an answer into files, in Chromium through the web host, as a person does it. */
describe('code to files in Chromium, through the web host', () => {
  const chromium = useChromium();
  let host: E2EHost;
  let base: string;
  let workspace: string;

  beforeAll(async () => {
    host = await startE2EHost();
    base = await mkdtemp(join(tmpdir(), 'codeface-e2e-workspace-'));
    workspace = join(base, 'project');
    await mkdir(join(workspace, 'src'), { recursive: true });
    await writeFile(join(workspace, 'src/util.ts'), OLD_UTIL);
    // A link that leads out of the workspace: the browser never offers it.
    await mkdir(join(base, 'outside'));
    await symlink(join(base, 'outside'), join(workspace, 'out-link'));
    const { chats, store } = host.runtime.services;
    const chat = chats.create({ title: 'A greeting and a fix' });
    const question = store.appendMessage({
      chatId: chat.id,
      parentId: null,
      role: 'user',
      content: 'Write greet and fix add',
    });
    store.appendMessage({
      chatId: chat.id,
      parentId: question.id,
      role: 'assistant',
      content: ANSWER,
    });
  }, 60_000);
  afterAll(async () => {
    await host.dispose();
    await rm(base, { recursive: true, force: true });
  });

  it('saves a new file, previews and applies a change, and undoes it', async () => {
    await withAppSession(chromium.browser, { host }, async ({ page, app }) => {
      const codeFile = new CodeFilePage(page);
      await app.openChat('A greeting and a fix');
      const blocks = page.getByTestId('code-block');
      await expect.poll(() => blocks.count()).toBe(2);
      await expect
        .poll(() => blocks.first().getByTestId('code-language').innerText())
        .toMatch(/ts · src\/app\.ts/);

      // No workspace yet: the dialog says where to set one and takes the person there.
      await blocks.first().getByTestId('save-code-as').click();
      await codeFile
        .dialog()
        .getByText(/Choose one in Settings/)
        .waitFor();
      await codeFile.dialog().getByRole('button', { name: 'Open Settings' }).click();
      await page.getByTestId('settings-screen').waitFor();
      await page.getByTestId('workspace-folder-input').fill(workspace);
      await page.getByRole('button', { name: 'Save folder' }).click();
      await page
        .getByTestId('workspace-folder')
        .getByText(await realpath(workspace))
        .waitFor();

      // Save as…: the fence's path is proposed and previewed at once, as a new file.
      await app.openChat('A greeting and a fix');
      await blocks.first().getByTestId('save-code-as').click();
      expect(await codeFile.path().inputValue()).toBe('src/app.ts');
      await codeFile.diff('unified').waitFor();
      expect(await codeFile.summary().innerText()).toMatch(/src\/app\.ts\s+new file, 1 line\b/);
      await codeFile.write();
      await app.toasts().filter({ hasText: 'Saved src/app.ts.' }).waitFor();
      expect(await readFile(join(workspace, 'src/app.ts'), 'utf8')).toBe(
        "export const greet = (name: string): string => 'Hello, ' + name;\n",
      );

      // Apply to file…: a path that climbs out is refused with a sentence; nothing is written.
      const apply = blocks.nth(1).getByTestId('apply-code-to-file');
      await apply.click();
      await codeFile.previewPath('../outside.ts');
      await expect
        .poll(() => codeFile.problem().innerText())
        .toMatch(/climbs out of the workspace/);

      // Escape closes the preview and gives the keyboard back to the button that opened it.
      await codeFile.previewPath('src/util.ts');
      await codeFile.diff('unified').waitFor();
      await page.keyboard.press('Escape');
      await codeFile.dialog().waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
        'apply-code-to-file',
      );

      // Opened again from the keyboard, the file picked in the workspace browser: the diff,
      // unified and side by side, then the write.
      await page.keyboard.press('Enter');
      await codeFile.browse();
      await expect.poll(() => codeFile.browserEntries()).toEqual(['src']);
      await codeFile.openBrowserEntry('src');
      await expect.poll(() => codeFile.browserEntries()).toEqual(['app.ts', 'util.ts']);
      await codeFile.openBrowserEntry('util.ts');
      await codeFile.diff('unified').waitFor();
      expect(await codeFile.path().inputValue()).toBe('src/util.ts');
      expect(await codeFile.summary().innerText()).toMatch(/src\/util\.ts\s+\+2\s+−2/);
      const unified = codeFile.diff('unified');
      expect(await unified.locator('tr[data-kind="removed"]').allInnerTexts()).toEqual([
        '1\t\t−export function add(a, b) {',
        '2\t\t−  return a - b;',
      ]);
      await codeFile.showLayout('split');
      const row = codeFile.diff('split').locator('tbody tr').nth(1);
      expect(await row.locator('.cf-diff-removed').innerText()).toBe(
        '−export function add(a, b) {',
      );
      expect(await row.locator('.cf-diff-added').innerText()).toBe(
        '+export function add(a: number, b: number): number {',
      );
      await codeFile.write();
      const toast = app.toasts().filter({ hasText: 'Updated src/util.ts.' });
      await toast.waitFor();
      expect(await readFile(join(workspace, 'src/util.ts'), 'utf8')).toMatch(/a: number/);

      // Undo from the toast puts the previous content back.
      await toast.getByRole('button', { name: 'Undo' }).click();
      await app.toasts().filter({ hasText: 'src/util.ts is back as it was.' }).waitFor();
      expect(await readFile(join(workspace, 'src/util.ts'), 'utf8')).toBe(OLD_UTIL);
    });
  }, 120_000);
});
