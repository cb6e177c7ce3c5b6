import { databaseFileState } from '@codeface/db';
import type { SecretStore } from '../secret-store';
import { STORE_KEY_SECRET } from '../services/privacy-service';
import type { StoreEncryption } from '../services/privacy-service';

/**
 * Why an encrypted store could not be opened at start: the web host needs the passphrase; the
 * desktop app's keychain no longer holds its key, or the OS offers no keychain at all.
 */
export type LockReason = 'passphrase' | 'key-missing' | 'keychain-unavailable';

export type StoreKeyPlan =
  | {
      kind: 'open';
      /** The key the file opens with now. */
      key: string | undefined;
      /** Set when the file is plain but a key is set for it: encrypt it once open. */
      encryptWith: string | undefined;
      encryption: StoreEncryption;
    }
  | { kind: 'locked'; reason: LockReason };

/** The keychain's key, or null where it is gone or the keychain cannot open it any more. */
function keychainKey(secrets: SecretStore): string | null {
  try {
    return secrets.get(STORE_KEY_SECRET);
  } catch {
    return null;
  }
}

/**
 * Decides the key the store opens with (decision 0483). A passphrase given at start (the web
 * host's `CODEFACE_PASSPHRASE`, or one typed on the unlock screen) opens the file, or encrypts a
 * plain one. Otherwise the desktop app uses the random key its keychain keeps: a new install
 * gets one, so it is encrypted from the start; a key kept whose file is still plain (the app
 * stopped while encrypting) finishes the job. An encrypted file with no key to open it is
 * `locked`, and the host asks for a passphrase or offers to start fresh.
 */
export function planStoreKey(options: {
  file: string;
  secrets: SecretStore;
  host: 'electron' | 'web';
  passphrase: string | undefined;
  newKey: () => string;
}): StoreKeyPlan {
  const { secrets } = options;
  const state = databaseFileState(options.file);
  const openWith = (key: string, encryption: StoreEncryption): StoreKeyPlan =>
    state === 'plain'
      ? { kind: 'open', key: undefined, encryptWith: key, encryption }
      : { kind: 'open', key, encryptWith: undefined, encryption };
  if (options.passphrase !== undefined) return openWith(options.passphrase, 'passphrase');
  if (options.host === 'electron' && secrets.protection === 'os-keychain') {
    const kept = keychainKey(secrets);
    if (kept !== null) return openWith(kept, 'os-keychain');
    if (state === 'missing') {
      const key = options.newKey();
      secrets.set(STORE_KEY_SECRET, key);
      return openWith(key, 'os-keychain');
    }
  }
  if (state === 'encrypted-or-unreadable') {
    return {
      kind: 'locked',
      reason:
        options.host === 'web'
          ? 'passphrase'
          : secrets.protection === 'os-keychain'
            ? 'key-missing'
            : 'keychain-unavailable',
    };
  }
  return { kind: 'open', key: undefined, encryptWith: undefined, encryption: 'none' };
}
