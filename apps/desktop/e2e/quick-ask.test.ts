import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedOpenAIServer } from '../test/support/scripted-openai-server';
import type { ScriptedOpenAIServer } from '../test/support/scripted-openai-server';
import { CodeFilePage } from './pages/code-file-page';
import { QuickAskPage } from './pages/quick-ask-page';
import { type AppSession, useChromium, withAppSession } from './support/app-session';
import { startE2EHost } from './support/e2e-host';
import { screenshotPath } from './support/screenshots';
import type { E2EHost } from './support/e2e-host';

/** A line with no place to break (a hash, a minified token), and a code line wider than the popup. */
const UNBROKEN = `sha256:${'9f86d081884c7d65'.repeat(12)}`;
const LONG_CODE = `const url = '${'https://example.com/a/very/long/path'.repeat(4)}';`;
const FIRST_CODE = `${LONG_CODE}\nexport default url;`;
/** What the person copied before opening the popup. */
const COPIED = 'function total(items) {\n  return items.reduce((sum, i) => sum + i.price);\n}';

describe('the quick ask, in Chromium through the web host', () => {
  const chromium = useChromium();
  let remote: ScriptedOpenAIServer;
  let host: E2EHost;
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'codeface-e2e-quick-workspace-'));
    remote = await startScriptedOpenAIServer({
      models: [{ id: 'scripted-coder', contextLength: 8192 }],
      answer: () =>
        `The digest is ${UNBROKEN} and the fix:\n\n\`\`\`ts\n${FIRST_CODE}\n\`\`\`\n\nThen run:\n\n\`\`\`sh\nnpm test\n\`\`\`\n`,
      wordMs: 1,
    });
    host = await startE2EHost();
  }, 120_000);
  afterAll(async () => {
    await host.dispose();
    await remote.close();
    await rm(workspace, { recursive: true, force: true });
  });

  it('with no model loaded says so, and then offers the model used last', async () => {
    await withAppSession(
      chromium.browser,
      { host, session: { width: 680, height: 460 } },
      async ({ page, app }) => {
        const quick = new QuickAskPage(page);
        await quick.open(host.url);
        await expect.poll(() => quick.noModel().innerText()).toContain('No model is loaded.');
        await expect.poll(() => quick.noModel().innerText()).toContain('Models');
        await quick.ask('anything');
        await page.getByText('Load a model first.').waitFor();

        // The model: a scripted server, so the answer's text is known.
        await app.open(host.url);
        await page.getByTestId('first-run-remote').click();
        await page.getByTestId('models-screen').waitFor();
        await app.models.fillRemoteServer({ url: remote.origin });
        await app.models.addRemoteServer();
        await app.models.useRemote('scripted-coder');
        await page.getByTestId('unload-model').click();
        await page.locator('[data-testid="remote-model"][data-loaded="true"]').waitFor({
          state: 'detached',
        });

        await quick.open(host.url);
        const load = page.getByTestId('quick-ask-load-last');
        await expect.poll(() => load.innerText()).toBe('Load scripted-coder');
        await load.click();
        await quick.noModel().waitFor({ state: 'detached', timeout: 60_000 });
        expect(await page.getByTestId('quick-ask-model').innerText()).toBe('scripted-coder');
      },
    );
  }, 120_000);

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`sends the clipboard, streams a code answer, copies it and continues in chat (${colorScheme})`, async () => {
      const session = { colorScheme, width: 680, height: 460 };
      const allowClipboard = ({ context }: AppSession) =>
        context.grantPermissions(['clipboard-read', 'clipboard-write'], {
          origin: new URL(host.url).origin,
        });
      await withAppSession(
        chromium.browser,
        { host, session, beforeOpen: allowClipboard },
        async ({ page, app }) => {
          const quick = new QuickAskPage(page);
          await page.evaluate((text) => navigator.clipboard.writeText(text), COPIED);
          await quick.open(host.url);

          const chip = quick.contextChip('clipboard');
          await expect.poll(() => chip.innerText()).toContain('function total(items) {');
          await page.getByTestId('quick-preset-fix').click();
          await quick.ask('Why is the total wrong?');
          const answer = quick.answer();
          await expect.poll(() => answer.innerText(), { timeout: 30_000 }).toContain('npm test');
          await quick.waitForAnswer();
          expect(await page.getByTestId('quick-ask-model').innerText()).toBe('scripted-coder');

          // The prose wraps: nothing is wider than the popup, as in the chat window; the code
          // keeps its lines and scrolls inside its own block.
          const layout = await answer.evaluate((element) => {
            const pre = element.querySelector('pre');
            return {
              answer: { scroll: element.scrollWidth, client: element.clientWidth },
              pre: pre && {
                scroll: pre.scrollWidth,
                client: pre.clientWidth,
                overflowX: getComputedStyle(pre).overflowX,
              },
            };
          });
          expect(layout.answer.scroll).toBeLessThanOrEqual(layout.answer.client);
          expect(layout.pre?.overflowX).toBe('auto');
          expect(layout.pre?.scroll).toBeGreaterThan(layout.pre?.client ?? Infinity);
          await page
            .locator('[data-testid="code-block"][data-highlighted="true"]')
            .first()
            .waitFor();
          await page.screenshot({ path: screenshotPath(`quick-ask-${colorScheme}`) });

          // Ctrl+Enter copies the first code block (and hides the popup in the desktop app).
          await quick.input().press('Control+Enter');
          await expect
            .poll(() => page.evaluate(() => navigator.clipboard.readText()))
            .toBe(FIRST_CODE);

          // The same conversation in the chat window: the question went with the clipboard.
          await page.getByTestId('quick-ask-continue').click();
          await page.waitForURL(/index\.html\?chat=/);
          await app.chat.lastAssistant().waitFor();
          const asked = await app.chat.messages().first().innerText();
          expect(asked).toContain('Why is the total wrong?');
          expect(asked).toContain('items.reduce((sum, i) => sum + i.price)');
          expect(await app.chat.lastAssistant().innerText()).toContain('export default url;');
        },
      );
    }, 120_000);
  }

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`saves the answer's code to a file and applies it, with the diff and Undo, as the chat window does (${colorScheme})`, async () => {
      const session = { colorScheme, width: 680, height: 460 };
      host.runtime.services.settings.update({ workspaceFolder: null });
      await withAppSession(chromium.browser, { host, session }, async ({ page, app }) => {
        const quick = new QuickAskPage(page);
        const codeFile = new CodeFilePage(page);
        const askForCode = async () => {
          await quick.open(host.url);
          await quick.ask('Fix the url');
          await quick.waitForAnswer();
        };
        const blocks = quick.answer().getByTestId('code-block');

        // No workspace yet: the dialog says where to set one, and Settings opens in the chat
        // window (here the tab becomes it).
        await askForCode();
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

        // Save as…: a new file, previewed, written, and named in a toast.
        await askForCode();
        await blocks.first().getByTestId('save-code-as').click();
        await codeFile.previewPath('src/url.ts');
        await codeFile.diff('unified').waitFor();
        expect(await codeFile.summary().innerText()).toMatch(/src\/url\.ts\s+new file, 2 lines\b/);
        await page.screenshot({
          path: screenshotPath(`quick-ask-save-code-${colorScheme}`),
        });
        await codeFile.write();
        await app.toasts().filter({ hasText: 'Saved src/url.ts.' }).waitFor();
        expect(await readFile(join(workspace, 'src/url.ts'), 'utf8')).toBe(`${FIRST_CODE}\n`);

        // Apply to file…: the second block over that file, then Undo from the toast.
        await blocks.nth(1).getByTestId('apply-code-to-file').click();
        await codeFile.previewPath('src/url.ts');
        expect(await codeFile.summary().innerText()).toMatch(/src\/url\.ts\s+\+1\s+−2/);
        await codeFile.write();
        const toast = app.toasts().filter({ hasText: 'Updated src/url.ts.' });
        await toast.waitFor();
        expect(await readFile(join(workspace, 'src/url.ts'), 'utf8')).toBe('npm test\n');
        await toast.getByRole('button', { name: 'Undo' }).click();
        await app.toasts().filter({ hasText: 'src/url.ts is back as it was.' }).waitFor();
        expect(await readFile(join(workspace, 'src/url.ts'), 'utf8')).toBe(`${FIRST_CODE}\n`);
        await rm(join(workspace, 'src'), { recursive: true });
      });
    }, 120_000);
  }

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`records the hotkey in Settings and says why it cannot be used here (${colorScheme})`, async () => {
      const session = { colorScheme, width: 900, height: 700 };
      await withAppSession(chromium.browser, { host, session }, async ({ page, app }) => {
        await app.openSettings();
        const section = app.settings.hotkey();
        await expect.poll(() => section.innerText()).toContain('Quick ask opens with');
        // The web host saves the hotkey for the desktop app, and says a tab cannot hear it.
        expect(await page.getByTestId('hotkey-status').getAttribute('data-state')).toBe(
          'unsupported',
        );
        expect(await page.getByTestId('hotkey-status').innerText()).toMatch(/desktop app/);

        await app.settings.recordHotkey('Shift+K');
        await app.settings.saveHotkey();
        await section.getByRole('alert').filter({ hasText: 'Add Ctrl, Alt or Cmd' }).waitFor();

        await page.getByTestId('hotkey-recorder').press('Control+Alt+K');
        expect(await page.getByTestId('hotkey-recorder').innerText()).toBe('Ctrl+Alt+K');
        await page.locator('section[aria-label="Quick ask"]').screenshot({
          path: screenshotPath(`hotkey-settings-${colorScheme}`),
        });
        await app.settings.saveHotkey();
        await page.getByTestId('hotkey-recorder').waitFor({ state: 'detached' });
        expect(await page.getByTestId('hotkey-current').innerText()).toBe('Ctrl+Alt+K');
        await app.reload();
        await app.openSettings();
        await expect.poll(() => page.getByTestId('hotkey-current').innerText()).toBe('Ctrl+Alt+K');
      });
    }, 60_000);
  }
});
