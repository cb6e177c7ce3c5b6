import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '@codeface/db';
import { createFileSecretStore } from '../secret-store';
import type { SecretSealer } from '../secret-store';
import { STORE_KEY_SECRET } from '../services/privacy-service';
import { planStoreKey } from './store-encryption';

/** Stands in for Electron's safeStorage, which needs Electron: a reversible seal. */
const sealer: SecretSealer = {
  seal: (text) => Buffer.from(text).toString('base64'),
  open: (sealed) => Buffer.from(sealed, 'base64').toString(),
};

function folder() {
  const dir = mkdtempSync(join(tmpdir(), 'codeface-encryption-'));
  return {
    dir,
    file: join(dir, 'codeface.db'),
    keychain: createFileSecretStore({ path: join(dir, 'secrets.json'), sealer }),
    fileOnly: createFileSecretStore({ path: join(dir, 'secrets.json') }),
  };
}

let counter = 0;
const newKey = () => `key-${(counter += 1)}`;

describe('the key the store opens with', () => {
  it('gives a new desktop install a key in the keychain, so it is encrypted from the start', () => {
    const { file, keychain } = folder();
    const plan = planStoreKey({
      file,
      secrets: keychain,
      host: 'electron',
      passphrase: undefined,
      newKey,
    });
    expect(plan).toEqual({
      kind: 'open',
      key: keychain.get(STORE_KEY_SECRET),
      encryptWith: undefined,
      encryption: 'os-keychain',
    });
  });

  it('leaves an existing plain desktop file plain, and finishes an encryption a stop interrupted', () => {
    const { file, keychain } = folder();
    openStore({ path: file }).close();
    expect(
      planStoreKey({ file, secrets: keychain, host: 'electron', passphrase: undefined, newKey }),
    ).toEqual({ kind: 'open', key: undefined, encryptWith: undefined, encryption: 'none' });
    keychain.set(STORE_KEY_SECRET, 'kept');
    expect(
      planStoreKey({ file, secrets: keychain, host: 'electron', passphrase: undefined, newKey }),
    ).toEqual({ kind: 'open', key: undefined, encryptWith: 'kept', encryption: 'os-keychain' });
  });

  it('is locked when the keychain lost the key, has none, or the web host has no passphrase', () => {
    const { file, dir, keychain, fileOnly } = folder();
    openStore({ path: file, key: 'gone' }).close();
    const plan = (secrets = keychain, host: 'electron' | 'web' = 'electron') =>
      planStoreKey({ file, secrets, host, passphrase: undefined, newKey });
    expect(plan()).toEqual({ kind: 'locked', reason: 'key-missing' });
    // A keychain that can no longer open what it sealed (reset, another user) is the same.
    const broken = createFileSecretStore({
      path: join(dir, 'secrets.json'),
      sealer: {
        ...sealer,
        open: () => {
          throw new Error('keychain reset');
        },
      },
    });
    broken.set(STORE_KEY_SECRET, 'sealed by the old keychain');
    expect(plan(broken)).toEqual({ kind: 'locked', reason: 'key-missing' });
    expect(plan(fileOnly)).toEqual({ kind: 'locked', reason: 'keychain-unavailable' });
    expect(plan(fileOnly, 'web')).toEqual({ kind: 'locked', reason: 'passphrase' });
  });

  it('opens with a passphrase, or encrypts a plain file with it, and keeps nothing of it', () => {
    const { file, fileOnly } = folder();
    openStore({ path: file }).close();
    expect(
      planStoreKey({ file, secrets: fileOnly, host: 'web', passphrase: 'correct horse', newKey }),
    ).toEqual({
      kind: 'open',
      key: undefined,
      encryptWith: 'correct horse',
      encryption: 'passphrase',
    });
    expect(fileOnly.get(STORE_KEY_SECRET)).toBeNull();
  });
});
