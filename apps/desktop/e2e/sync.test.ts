import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ServerProcess,
  startServerProcess,
} from '../../../packages/sync/test/support/server-process';
import { AppPage } from './pages/app-page';
import { type Session, launchChromium, openSession } from './support/browser';
import { type E2EHost, startE2EHost } from './support/e2e-host';
import { shootBothThemes } from './support/screenshots';

type Device = { host: E2EHost; session: Session; app: AppPage };

/**
 * Which of `texts` appear in the sync server's database: every row of every table read as text
 * (bytea as Latin-1, so a plaintext byte string would show), what a thief of a database dump
 * gets. Row by row, as the shared test database of a CI run holds more than one string can.
 */
async function foundInServerDatabase(
  server: ServerProcess,
  texts: readonly string[],
): Promise<string[]> {
  const query =
    server.kind === 'pglite'
      ? await (async () => {
          const db = await PGlite.create({ dataDir: join(server.dataDir, 'pglite') });
          return { run: (sql: string) => db.query(sql), close: () => db.close() };
        })()
      : await (async () => {
          const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
          await client.connect();
          return { run: (sql: string) => client.query(sql), close: () => client.end() };
        })();
  const found = new Set<string>();
  try {
    const tables = await query.run(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    );
    for (const { table_name } of tables.rows as { table_name: string }[]) {
      const rows = await query.run(`SELECT * FROM "${table_name}"`);
      for (const row of rows.rows) {
        const text = JSON.stringify(row, (_key, value: unknown) =>
          value instanceof Uint8Array
            ? Buffer.from(value).toString('latin1')
            : typeof value === 'bigint'
              ? String(value)
              : value,
        );
        for (const each of texts) if (text.includes(each)) found.add(each);
      }
    }
    return [...found];
  } finally {
    await query.close();
  }
}

/**
 * Two web hosts with their own data folders and one real sync server (PGlite), driven in
 * Chromium: sign up on A, sign in on B, a chat typed on A appears on B live (while B has it
 * open, its draft kept), revoke B from A and B says it was signed out. Afterwards the server's
 * database holds none of the text typed.
 */
describe('sync between two web hosts in Chromium', () => {
  let browser: Browser;
  let server: ServerProcess;
  const devices: Device[] = [];

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startServerProcess()]);
  }, 300_000);

  afterAll(async () => {
    for (const device of devices) {
      await device.session.context.close();
      await device.host.dispose();
    }
    await browser?.close();
    if (server) {
      await server.stop();
    }
  }, 60_000);

  async function device(): Promise<Device> {
    const host = await startE2EHost({ maxAnswerTokens: 16 });
    const session = await openSession(browser);
    const app = new AppPage(session.page);
    await app.open(host.url);
    const started = { host, session, app };
    devices.push(started);
    return started;
  }

  it('signs up on A, signs in on B, shows A’s chats on B live, signs B out when revoked, restores on C', async () => {
    const email = `person-${randomUUID()}@example.test`;
    const password = 'correct horse battery';
    const typed = {
      title: `Lighthouse ${randomUUID().slice(0, 8)}`,
      message: `The keeper counted ${randomUUID()} gulls`,
      renamed: `Renamed lighthouse ${randomUUID().slice(0, 8)}`,
      kept: `Kept for the restored device ${randomUUID()}`,
      presetName: `Harbour ${randomUUID().slice(0, 8)}`,
      presetPrompt: `Answer as the harbour master of ${randomUUID()}`,
    };
    const a = await device();
    const b = await device();

    // A: a model to answer with, then a chat typed before sync is even on.
    const model = await a.host.runtime.services.models.import(a.host.modelPath);
    await a.host.runtime.services.models.load(model.id);
    await a.app.page.reload();
    await a.app.sync.waitForState('off');
    await a.app.newChat();
    await a.app.chat.send(typed.message);
    await a.app.chat.waitForIdle();

    // A: Settings. A preset of the person's own, made in the form (0505: presets sync, so the
    // server holds it sealed); then Sync, signed out: test connection, a refused password, and
    // sign up.
    await a.app.openSettings();
    const presetForm = await a.app.settings.openNewPreset();
    await a.app.settings.fillPreset(presetForm, {
      name: typed.presetName,
      prompt: typed.presetPrompt,
      maxAnswerTokens: '300',
    });
    await presetForm.getByTestId('preset-save').click();
    await a.app.settings.presetEditor(typed.presetName).waitFor();
    await a.app.sync.section().waitFor();
    expect(await a.app.sync.testConnection(server.url)).toMatch(
      /a CodeFace sync server \(protocol \d+\)/,
    );
    await a.app.page.getByTestId('sync-email').fill(email);
    await a.app.page.getByTestId('sync-mode-sign-up').click();
    await shootBothThemes(a.app.page, 'sync-signed-out');
    await a.app.sync.createAccount({
      url: server.url,
      email,
      password: 'short',
      deviceName: 'Laptop A',
    });
    expect(await a.app.sync.problem().innerText()).toBe(
      'Choose a password of at least 10 characters.',
    );
    await a.app.sync.createAccount({ url: server.url, email, password, deviceName: 'Laptop A' });
    // The recovery key, shown once, until "I saved it".
    await a.app.page.getByTestId('recovery-key-screen').waitFor({ timeout: 60_000 });
    await a.app.sync.section().evaluate((section) => section.scrollIntoView());
    await shootBothThemes(a.app.page, 'sync-recovery-key');
    const recoveryKey = await a.app.sync.saveRecoveryKey();
    expect(recoveryKey).toMatch(/^([0-9A-Z]{4}-){12}[0-9A-Z]{4}$/);
    await a.app.sync.signedIn().waitFor({ timeout: 60_000 });
    await a.app.sync.waitForState('synced');

    // B: a wrong password is a sentence; the right one signs in, and A's chat arrives.
    await b.app.openSettings();
    await b.app.sync.signIn({
      url: server.url,
      email,
      password: 'not the password',
      deviceName: 'Desktop B',
    });
    expect(await b.app.sync.problem().innerText()).toBe(
      'That email and password do not match. Check them and try again.',
    );
    await b.app.sync.signIn({ url: server.url, email, password, deviceName: 'Desktop B' });
    await b.app.sync.signedIn().waitFor({ timeout: 60_000 });
    const chatOnB = b.app.chatItems().filter({ hasText: typed.message.slice(0, 20) });
    await chatOnB.first().waitFor({ timeout: 60_000 });
    await b.app.sync.waitForState('synced');
    expect(
      b.host.runtime.services.presets.list().find((preset) => preset.name === typed.presetName),
    ).toMatchObject({ systemPrompt: typed.presetPrompt, maxAnswerTokens: 300, builtin: false });
    // And B's Settings shows it without a reload, ready to edit.
    await b.app.settings.presetEditor(typed.presetName).waitFor({ timeout: 30_000 });

    // B opens it and starts a draft; A renames it and answers again: B shows both live.
    await chatOnB.first().click();
    await b.app.chat.messages().filter({ hasText: typed.message }).first().waitFor();
    await b.app.chat.type('A draft on B that must survive');
    const chatOnA = a.app.chatItems().first();
    await chatOnA.click();
    await chatOnA.getByTestId('chat-menu').click();
    await a.app.page.getByRole('menuitem', { name: 'Rename' }).click();
    await a.app.page.getByTestId('rename-input').fill(typed.renamed);
    await a.app.page.getByTestId('rename-input').press('Enter');
    await b.app.chat.title().filter({ hasText: typed.renamed }).waitFor({ timeout: 30_000 });
    await a.app.chat.send('And a second question from A');
    await a.app.chat.waitForIdle();
    await b.app.chat
      .messages()
      .filter({ hasText: 'And a second question from A' })
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await b.app.chat.composer().inputValue()).toBe('A draft on B that must survive');

    // Screenshots: Settings → Sync with the devices, and the sidebar's status with details.
    await b.app.sync.indicator().click();
    await b.app.page.getByTestId('sync-details').waitFor();
    await shootBothThemes(b.app.page, 'sync-sidebar-status');
    await b.app.sync.indicator().click();

    await a.app.openSettings();
    await a.app.sync.devices().filter({ hasText: 'Desktop B' }).waitFor();
    await shootBothThemes(a.app.page, 'sync-signed-in');

    // A deletes the chat B has open: it leaves B's list once the undo time is over.
    await a.app.chatItems().first().getByTestId('chat-menu').click();
    await a.app.page.getByRole('menuitem', { name: 'Delete' }).click();
    await expect.poll(() => b.app.chatItems().count(), { timeout: 60_000 }).toBe(0);
    // B has no model, so it shows the first run's choices where the chat was.
    await b.app.page.getByTestId('chat-view').waitFor({ state: 'detached' });

    // Revoke B from A: B hears it on its live stream and says so.
    await a.app.sync.revoke('Desktop B');
    await expect.poll(() => a.app.sync.devices().count(), { timeout: 30_000 }).toBe(1);
    await b.app.sync.waitForState('off');
    expect(await b.app.sync.indicator().innerText()).toBe('Signed out of sync');
    await b.app.openSettings();
    expect(await b.app.page.getByTestId('sync-signed-out').innerText()).toMatch(/Sign in again/);

    // A third host restores the account with the recovery key and a new password: it gets
    // A's chats, and A, whose password is no longer the account's, is signed out.
    await a.app.newChat();
    await a.app.chat.send(typed.kept);
    await a.app.chat.waitForIdle();
    await a.app.sync.waitForState('synced');
    const c = await device();
    await c.app.openSettings();
    await c.app.sync.restoreWithRecoveryKey({
      url: server.url,
      email,
      recoveryKey,
      newPassword: 'a brand new passphrase',
      deviceName: 'Phone C',
    });
    // The used key stops working: C shows its replacement once, until "I saved it".
    const replacedKey = await c.app.sync.saveRecoveryKey();
    expect(replacedKey).toMatch(/^([0-9A-Z]{4}-){12}[0-9A-Z]{4}$/);
    expect(replacedKey).not.toBe(recoveryKey);
    await c.app.sync.signedIn().waitFor({ timeout: 60_000 });
    await c.app
      .chatItems()
      .filter({ hasText: typed.kept.slice(0, 20) })
      .first()
      .waitFor({
        timeout: 60_000,
      });
    await a.app.sync.waitForState('off');

    for (const each of devices) expect(each.session.pageErrors).toEqual([]);

    // What the server keeps: none of the text typed, preset names included, in any table.
    await server.stop({ keepData: true });
    const secrets = [
      typed.message,
      typed.renamed,
      typed.kept,
      typed.presetName,
      typed.presetPrompt,
      'And a second question from A',
      password,
      recoveryKey,
      recoveryKey.replaceAll('-', ''),
      replacedKey.replaceAll('-', ''),
    ];
    const found = await foundInServerDatabase(server, [email, ...secrets]);
    await rm(server.dataDir, { recursive: true, force: true });
    // The account is there (the scan reads it); nothing typed is.
    expect(found).toEqual([email]);
  }, 600_000);
});
