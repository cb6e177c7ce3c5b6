/**
 * Takes the screenshots in docs/screenshots: the real renderer, served by the real web host on
 * a fresh data folder, with a demo chat imported through the API and the tiny model answering;
 * then runs the e2e tests that shoot the screens only they reach, with CODEFACE_SCREENSHOTS=1 so
 * their screenshots land here too. `npm run screenshots` (at the root or in apps/desktop).
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTinyModel } from '@codeface/inference/fixtures';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import type { Page } from 'playwright-core';
import { startVitest } from 'vitest/node';
import WebSocket from 'ws';
import { launchChromium } from '../e2e/support/browser';
import type { AppRouter } from '../src/api';
import { API_WS_PATH, tradeRunToken } from '../src/api/transport';
import { RENDERER_OUT_DIR, buildRenderer } from '../src/build-renderer';
import { serve } from '../src/host/serve';
import { demoExport } from './demo-chats';

const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(APP_DIR, '../../docs/screenshots');
type Theme = 'light' | 'dark';

async function main(): Promise<void> {
  await buildRenderer();
  await mkdir(OUT, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'codeface-shots-'));
  const host = await serve({
    dataDir,
    rendererDir: RENDERER_OUT_DIR,
    port: 0,
    gpu: false,
    threads: 1,
    maxAnswerTokens: 40,
  });
  const url = new URL(host.url);
  const origin = url.origin;
  class OriginWebSocket extends WebSocket {
    constructor(address: string) {
      super(address, { headers: { origin } });
    }
  }
  const secret = tradeRunToken(origin, url.searchParams.get('token') ?? '');
  const ws = createWSClient({
    url: `ws://${url.host}${API_WS_PATH}`,
    connectionParams: async () => ({ secret: (await secret) ?? '' }),
    WebSocket: OriginWebSocket as unknown as typeof globalThis.WebSocket,
  });
  const api = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const shot = async (name: string): Promise<void> => {
      await page.waitForTimeout(350);
      await page.screenshot({ path: join(OUT, `${name}.png`) });
      console.log(`wrote ${name}.png`);
    };
    const setTheme = async (theme: Theme): Promise<void> => {
      await api.settings.update.mutate({ theme });
      await page.goto(host.url);
      await page.waitForSelector('[data-testid="sidebar"]', { state: 'attached' });
      await page.waitForTimeout(300);
    };

    for (const theme of ['light', 'dark'] as const) {
      await setTheme(theme);
      await page.waitForSelector('[data-testid="first-run"]');
      await shot(`first-run-${theme}`);
    }

    await api.chats.import.mutate({ content: demoExport() });
    // The export format does not carry pins; pin one chat the way a person would.
    const chats = await api.chats.list.query({ includeArchived: false });
    const pinned = chats.find((c) => c.title === 'Postgres upsert returning ids');
    if (pinned) await api.chats.update.mutate({ chatId: pinned.id, pinned: true });
    const model = await api.models.import.mutate({ path: await ensureTinyModel() });
    await api.models.load.mutate({ modelId: model.id });

    for (const theme of ['light', 'dark'] as const) {
      await setTheme(theme);
      await openChat(page, 'Debounce loses the last call');
      await page.waitForSelector('[data-testid="code-block"][data-highlighted="true"]');
      await shot(`chat-${theme}`);
      await page.getByTestId('message-list').evaluate((el) => el.scrollTo({ top: 0 }));
      await shot(`chat-top-${theme}`);
      await page.getByTestId('search-input').fill('flush');
      await page.waitForSelector('[data-testid="search-hit"]');
      await shot(`search-${theme}`);
      await page.getByTestId('search-input').fill('');
      await page.keyboard.press('Control+K');
      await page.keyboard.type('debounce');
      await page.waitForSelector('[data-testid="palette-item"]');
      await shot(`palette-${theme}`);
      await page.keyboard.press('Escape');
      await page.getByTestId('nav-models').click();
      await page.waitForSelector('[data-testid="models-screen"]');
      await shot(`models-${theme}`);
      await page.getByTestId('nav-settings').click();
      await page.waitForSelector('[data-testid="settings-screen"]');
      await shot(`settings-${theme}`);
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('?');
      await page.waitForSelector('[data-testid="shortcuts-sheet"]');
      await shot(`shortcuts-${theme}`);
      await page.keyboard.press('Escape');
    }

    // Code to files: an answer's block applied to a file in the workspace folder, as a diff.
    const workspace = join(dataDir, 'workspace');
    await mkdir(join(workspace, 'src'), { recursive: true });
    await writeFile(join(workspace, 'src/debounce.ts'), DEBOUNCE_BEFORE);
    await api.settings.update.mutate({ workspaceFolder: workspace });
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(theme);
      await openChat(page, 'Debounce loses the last call');
      await page
        .locator('[data-testid="message"][data-role="assistant"]')
        .filter({ hasText: 'debounced.flush' })
        .first()
        .getByTestId('apply-code-to-file')
        .click();
      await page.getByTestId('code-file-path').fill('src/debounce.ts');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="diff-unified"]');
      await shot(`diff-preview-unified-${theme}`);
      await page.getByTestId('diff-layout-split').click();
      await page.waitForSelector('[data-testid="diff-split"]');
      await shot(`diff-preview-side-by-side-${theme}`);
      await page.keyboard.press('Escape');
    }

    // A real answer from the tiny model, streamed through the whole path.
    await setTheme('light');
    await page.getByTestId('new-chat').click();
    await page.getByTestId('composer-input').fill('Write a loop in C');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="generation-stats"]', { timeout: 60_000 });
    await shot('streamed-answer-light');

    // The quick ask's screenshots (a context chip, a code answer) come from e2e/quick-ask.test.ts.
    await page.setViewportSize({ width: 360, height: 740 });
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(theme);
      await openChat(page, 'Debounce loses the last call', true);
      await shot(`narrow-chat-${theme}`);
      await page.getByTestId('open-drawer').click();
      await shot(`narrow-sidebar-${theme}`);
      await page.getByTestId('nav-models').click();
      await page.waitForSelector('[data-testid="models-screen"]');
      await shot(`narrow-models-${theme}`);
    }
  } finally {
    await browser.close();
    ws.close();
    await host.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The file the demo answer's fix is applied to: the code the question asks about. */
const DEBOUNCE_BEFORE = `export function debounce<T extends unknown[]>(fn: (...args: T) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: T) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
`;

/**
 * The quick ask against a scripted server, sync between two devices, downloads that fail: their
 * e2e tests set those up, and write their screenshots through e2e/support/screenshots.ts, which
 * writes into docs/screenshots only with CODEFACE_SCREENSHOTS=1.
 */
async function shootInE2ETests(): Promise<void> {
  const e2eDir = join(APP_DIR, 'e2e');
  const shooting: string[] = [];
  for (const name of (await readdir(e2eDir)).sort()) {
    if (!name.endsWith('.test.ts')) continue;
    if ((await readFile(join(e2eDir, name), 'utf8')).includes("from './support/screenshots'")) {
      shooting.push(`e2e/${name}`);
    }
  }
  // In this process, so the flag reaches the tests as Vitest's `env` (set in every worker).
  const vitest = await startVitest('test', shooting, {
    root: APP_DIR,
    run: true,
    watch: false,
    env: { CODEFACE_SCREENSHOTS: '1' },
  });
  await vitest.close();
  if (vitest.state.getCountOfFailedTests() > 0 || process.exitCode) {
    throw new Error(`The e2e tests that take screenshots failed (${shooting.join(', ')}).`);
  }
}

async function openChat(page: Page, title: string, narrow = false): Promise<void> {
  if (narrow) await page.getByTestId('open-drawer').click();
  await page.getByTestId('chat-item').filter({ hasText: title }).locator('.cf-chat-open').click();
  await page.waitForSelector('[data-testid="message"]');
}

await main();
await shootInE2ETests();
