import { databaseFileState, encryptDatabaseFile } from '@codeface/db';
import type { SecretStore } from '../secret-store';
import { STORE_KEY_SECRET } from '../services/privacy-service';
import type { StoreEncryption } from '../services/privacy-service';

/**
 * Decides the key the store opens with, and encrypts a plain file first when a key is set for it
 * (decision 0483). The desktop app keeps a random key in the secret store, sealed by the OS
 * keychain: a new install gets one, so its data is encrypted from the start; a key saved by
 * Settings → Privacy encrypts the existing file at this start, a snapshot taken first. The web
 * host has no keychain, so its key is the passphrase it is started with, never stored.
 */
export function prepareStoreKey(options: {
  file: string;
  secrets: SecretStore;
  passphrase: string | undefined;
  newKey: () => string;
  now: () => number;
  nativeBinding?: string;
}): { key: string | undefined; encryption: StoreEncryption } {
  const { secrets } = options;
  let key = options.passphrase;
  let encryption: StoreEncryption = key === undefined ? 'none' : 'passphrase';
  if (key === undefined && secrets.protection === 'os-keychain') {
    key = secrets.get(STORE_KEY_SECRET) ?? undefined;
    if (key === undefined && databaseFileState(options.file) === 'missing') {
      key = options.newKey();
      secrets.set(STORE_KEY_SECRET, key);
    }
    if (key !== undefined) encryption = 'os-keychain';
  }
  if (key !== undefined && databaseFileState(options.file) === 'plain') {
    encryptDatabaseFile({
      path: options.file,
      key,
      now: options.now,
      nativeBinding: options.nativeBinding,
    });
  }
  return { key, encryption };
}
