import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseFileState, openStore } from '@codeface/db';
import { createFileSecretStore } from '../secret-store';
import type { SecretSealer } from '../secret-store';
import { PrivacyService, STORE_KEY_SECRET } from '../services/privacy-service';
import { prepareStoreKey } from './store-encryption';

const SECRET = 'the launch code is hunter2-zebra-7781';

/** Stands in for Electron's safeStorage, which needs Electron: a reversible seal. */
const sealer: SecretSealer = {
  seal: (text) => Buffer.from(text).toString('base64'),
  open: (sealed) => Buffer.from(sealed, 'base64').toString(),
};

function folder() {
  const dir = mkdtempSync(join(tmpdir(), 'codeface-encryption-'));
  return {
    file: join(dir, 'codeface.db'),
    keychain: createFileSecretStore({ path: join(dir, 'secrets.json'), sealer }),
    fileOnly: createFileSecretStore({ path: join(dir, 'secrets.json') }),
  };
}

let counter = 0;
const newKey = () => `key-${(counter += 1)}`;

function writePlainChat(file: string): void {
  const store = openStore({ path: file });
  const chat = store.chats.create({ title: 'old chat' });
  store.messages.append({ chatId: chat.id, role: 'user', content: SECRET });
  store.close();
}

describe('encryption at rest of the app data', () => {
  it('encrypts a new desktop install from the start, with its key in the keychain', () => {
    const { file, keychain } = folder();
    const opened = prepareStoreKey({
      file,
      secrets: keychain,
      passphrase: undefined,
      newKey,
      now: Date.now,
    });
    expect(opened.encryption).toBe('os-keychain');
    expect(keychain.get(STORE_KEY_SECRET)).toBe(opened.key);
    openStore({ path: file, key: opened.key }).close();
    expect(databaseFileState(file)).toBe('encrypted-or-unreadable');
  });

  it('leaves an existing desktop file plain until Privacy encrypts it, then encrypts it at the next start', () => {
    const { file, keychain } = folder();
    writePlainChat(file);
    const first = prepareStoreKey({
      file,
      secrets: keychain,
      passphrase: undefined,
      newKey,
      now: Date.now,
    });
    expect(first).toEqual({ key: undefined, encryption: 'none' });
    const privacy = new PrivacyService({ secrets: keychain, encryption: 'none', newKey });
    expect(privacy.status()).toEqual({ encryption: 'none', pending: false, keychain: true });
    expect(privacy.encrypt()).toEqual({ encryption: 'none', pending: true, keychain: true });

    const next = prepareStoreKey({
      file,
      secrets: keychain,
      passphrase: undefined,
      newKey,
      now: Date.now,
    });
    expect(next.encryption).toBe('os-keychain');
    expect(readFileSync(file).includes('hunter2')).toBe(false);
    const store = openStore({ path: file, key: next.key });
    expect(store.search('hunter2')).toHaveLength(1);
    store.close();
  });

  it('encrypts the web host data with its passphrase, and keeps nothing of it on disk', () => {
    const { file, fileOnly } = folder();
    writePlainChat(file);
    const opened = prepareStoreKey({
      file,
      secrets: fileOnly,
      passphrase: 'correct horse',
      newKey,
      now: Date.now,
    });
    expect(opened).toEqual({ key: 'correct horse', encryption: 'passphrase' });
    expect(existsSync(join(file, '..', 'secrets.json'))).toBe(false);
    expect(() => openStore({ path: file })).toThrow(
      expect.objectContaining({ code: 'key-required' }),
    );
    openStore({ path: file, key: 'correct horse' }).close();
  });

  it('says how to encrypt in the web host instead of keeping a key in a plain file', () => {
    const { file, fileOnly } = folder();
    expect(
      prepareStoreKey({ file, secrets: fileOnly, passphrase: undefined, newKey, now: Date.now }),
    ).toEqual({
      key: undefined,
      encryption: 'none',
    });
    const privacy = new PrivacyService({ secrets: fileOnly, encryption: 'none', newKey });
    expect(() => privacy.encrypt()).toThrow(/CODEFACE_PASSPHRASE/);
    expect(fileOnly.get(STORE_KEY_SECRET)).toBeNull();
  });
});
