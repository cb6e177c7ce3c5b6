import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LlamaCppEngine } from '@codeface/inference';
import { createFileSecretStore, SECRETS_FILE } from '../src/api';
import { openAppGate } from '../src/api/app-gate';
import { chatStatesFolder, DATABASE_FILE } from '../src/api/compose';
import { STORE_KEY_SECRET } from '../src/api/services/privacy-service';
import { createHeadlessPlatform } from '../src/host/headless-platform';
import { rejection } from './support/collect';
import { connectClient, removeTestHost, startTestHost } from './support/test-host';
import type { TestHost } from './support/test-host';

const SQLITE_HEADER = 'SQLite format 3\0';
const header = (dataDir: string) =>
  readFileSync(join(dataDir, DATABASE_FILE)).subarray(0, 16).toString('latin1');

const hosts: TestHost[] = [];
afterAll(async () => {
  for (const host of hosts) await removeTestHost(host).catch(() => undefined);
});

async function host(options: Parameters<typeof startTestHost>[0] = {}) {
  const started = await startTestHost(options);
  hosts.push(started);
  return { host: started, client: connectClient(started) };
}

describe('encryption at rest through the web host', () => {
  it('encrypts without a restart, starts locked, paces guesses, changes the passphrase and turns off', async () => {
    const first = await host();
    const { api } = first.client;
    const chat = await api.chats.create.mutate({ title: 'kept through it all' });
    expect(header(first.host.dataDir)).toBe(SQLITE_HEADER);

    expect((await rejection(api.privacy.encrypt.mutate({ passphrase: 'short' }))).message).toBe(
      'A passphrase needs at least 8 characters.',
    );
    expect(await api.privacy.encrypt.mutate({ passphrase: 'correct horse' })).toEqual({
      encryption: 'passphrase',
      keychain: false,
      progress: null,
    });
    // The same running app goes on with the re-keyed file.
    expect((await api.chats.list.query({})).map((c) => c.id)).toContain(chat.id);
    await api.chats.create.mutate({ title: 'written after encrypting' });
    expect(header(first.host.dataDir)).not.toBe(SQLITE_HEADER);
    const dataDir = first.host.dataDir;
    await first.client.close();
    await first.host.close();

    // Started again without the passphrase: locked, every other call refused, the page asks.
    const locked = await startTestHost({ dataDir });
    hosts.push(locked);
    const { api: page } = connectClient(locked);
    expect(await page.lock.status.query()).toEqual({
      locked: true,
      reason: 'passphrase',
      canStartFresh: false,
      retryAfterMs: 0,
    });
    expect((await rejection(page.chats.list.query({}))).data?.reason).toBe('locked');
    for (let n = 0; n < 3; n += 1) {
      const wrong = await rejection(page.lock.unlock.mutate({ passphrase: 'wrong horse' }));
      expect(wrong.message).toBe(
        'That passphrase does not open your CodeFace data. Check it and try again.',
      );
    }
    // The third wrong one makes the next wait, even with the right passphrase.
    const paced = await rejection(page.lock.unlock.mutate({ passphrase: 'correct horse' }));
    expect(paced.data?.reason).toBe('too-many-attempts');
    expect(paced.message).toMatch(/^Too many wrong passphrases: try again in 1 seconds\.$/);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await page.lock.unlock.mutate({ passphrase: 'correct horse' })).toEqual({
      locked: false,
    });
    expect((await page.chats.list.query({})).map((c) => c.title).sort()).toEqual([
      'kept through it all',
      'written after encrypting',
    ]);

    const wrongCurrent = await rejection(
      page.privacy.changePassphrase.mutate({
        currentPassphrase: 'not it at all',
        newPassphrase: 'battery staple',
      }),
    );
    expect(wrongCurrent.message).toBe(
      'That is not the current passphrase, so nothing was changed.',
    );
    await page.privacy.changePassphrase.mutate({
      currentPassphrase: 'correct horse',
      newPassphrase: 'battery staple',
    });
    expect(
      (await rejection(page.privacy.decrypt.mutate({ currentPassphrase: 'correct horse' }))).data
        ?.reason,
    ).toBe('wrong-passphrase');
    expect(await page.privacy.decrypt.mutate({ currentPassphrase: 'battery staple' })).toEqual({
      encryption: 'none',
      keychain: false,
      progress: null,
    });
    expect(header(dataDir)).toBe(SQLITE_HEADER);
    expect((await page.chats.list.query({})).length).toBe(2);
    // No copy in clear or under an old key is left behind.
    expect(readdirSync(dataDir).filter((name) => name.includes('snapshot'))).toEqual([]);
  }, 240_000);
});

describe('the desktop app whose keychain lost the key', () => {
  it('stays locked, takes a passphrase if there is one, or starts fresh keeping the file aside', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'codeface-lost-key-'));
    const sealer = {
      seal: (text: string) => Buffer.from(text).toString('base64'),
      open: (sealed: string) => Buffer.from(sealed, 'base64').toString(),
    };
    const open = () =>
      openAppGate({
        dataDir,
        platform: {
          ...createHeadlessPlatform({ dataDir }),
          kind: 'electron',
          secrets: createFileSecretStore({ path: join(dataDir, SECRETS_FILE), sealer }),
        },
        engine: new LlamaCppEngine({ gpu: false, savedStates: chatStatesFolder(dataDir) }),
        discoveryRoots: { lmStudio: [], ollama: [], huggingFace: [] },
      });
    try {
      const installed = await open();
      const runtime = installed.runtime();
      runtime?.services.chats.create({ title: 'under the lost key' });
      expect(runtime?.services.privacy.status().encryption).toBe('os-keychain');
      await installed.close();
      expect(header(dataDir)).not.toBe(SQLITE_HEADER);

      // The keychain is reset: its key is gone.
      createFileSecretStore({ path: join(dataDir, SECRETS_FILE), sealer }).delete(STORE_KEY_SECRET);
      const gate = await open();
      expect(gate.status()).toEqual({
        locked: true,
        reason: 'key-missing',
        canStartFresh: true,
        retryAfterMs: 0,
      });
      await expect(gate.unlock('no such passphrase')).rejects.toMatchObject({
        code: 'wrong-passphrase',
      });
      const { keptAs } = await gate.startFresh();
      expect(keptAs).toMatch(/^codeface\.db\.locked-/);
      // Never deleted: the encrypted file is kept aside, whole.
      expect(existsSync(join(dataDir, keptAs))).toBe(true);
      expect(gate.status()).toEqual({ locked: false });
      expect(gate.runtime()?.services.chats.list({ includeArchived: false })).toEqual([]);
      // The fresh store has a new key in the keychain: encrypted from the start again.
      expect(gate.runtime()?.services.privacy.status().encryption).toBe('os-keychain');
      await gate.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
