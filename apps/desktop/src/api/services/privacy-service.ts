import { AppError } from '../errors';
import type { SecretStore } from '../secret-store';

/** The secret that holds the desktop app's database key (sealed by the OS keychain). */
export const STORE_KEY_SECRET = 'store:key';

/** How the store is encrypted: with the keychain's key, a passphrase, or not at all. */
export type StoreEncryption = 'os-keychain' | 'passphrase' | 'none';

/** Settings → Privacy: how the local data is protected. */
export type PrivacyStatus = {
  encryption: StoreEncryption;
  /** A key is set and the data is encrypted at the next start (a snapshot taken first). */
  pending: boolean;
  /** Whether this host can keep a key in the OS keychain (the desktop app). */
  keychain: boolean;
};

/** Encryption at rest of the local data (decision 0483). */
export class PrivacyService {
  constructor(
    private readonly deps: {
      secrets: SecretStore;
      /** How the store was opened at this start. */
      encryption: StoreEncryption;
      newKey: () => string;
    },
  ) {}

  status(): PrivacyStatus {
    const keychain = this.deps.secrets.protection === 'os-keychain';
    return {
      encryption: this.deps.encryption,
      pending:
        this.deps.encryption === 'none' &&
        keychain &&
        this.deps.secrets.get(STORE_KEY_SECRET) !== null,
      keychain,
    };
  }

  /**
   * Makes a key and keeps it in the keychain; the data is encrypted with it at the next start,
   * while nothing holds the database open. Whoever loses the key loses the data: the screen says
   * so before this is called.
   */
  encrypt(): PrivacyStatus {
    const status = this.status();
    if (!status.keychain) {
      throw new AppError(
        'unsupported-on-platform',
        'The web host has no keychain to keep a key in: start it with CODEFACE_PASSPHRASE set to a passphrase, and the data is encrypted at that start.',
      );
    }
    if (status.encryption === 'none' && !status.pending) {
      this.deps.secrets.set(STORE_KEY_SECRET, this.deps.newKey());
    }
    return this.status();
  }
}
