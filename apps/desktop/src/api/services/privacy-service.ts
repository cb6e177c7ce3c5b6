import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors';
import type { SecretStore } from '../secret-store';

/** The secret that holds the desktop app's database key (sealed by the OS keychain). */
export const STORE_KEY_SECRET = 'store:key';

/** How the store is encrypted: with the keychain's key, a passphrase, or not at all. */
export type StoreEncryption = 'os-keychain' | 'passphrase' | 'none';

/** The shortest passphrase accepted: a guessable one would protect little. */
export const MIN_PASSPHRASE_LENGTH = 8;

export const passphraseSchema = z
  .string()
  .min(MIN_PASSPHRASE_LENGTH, `A passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`)
  .max(1024, 'A passphrase can have at most 1,024 characters.');

export const encryptInput = z.object({ passphrase: passphraseSchema.optional() });
export const decryptInput = z.object({ currentPassphrase: z.string().max(1024).optional() });
export const changePassphraseInput = z.object({
  currentPassphrase: z.string().max(1024),
  newPassphrase: passphraseSchema,
});

/** Settings → Privacy: how the local data is protected. */
export type PrivacyStatus = {
  encryption: StoreEncryption;
  /** Whether this host can keep a key in the OS keychain (the desktop app). */
  keychain: boolean;
  /** While the file is being rewritten: the share done, 0 to 1. */
  progress: number | null;
};

/** What the privacy service needs of the open store (`Store.rekey`). */
export type StoreKeyControl = {
  /** How the store was opened at this start. */
  encryption: StoreEncryption;
  /** The key it was opened with; absent for a plain file. */
  key: string | undefined;
  rekey(newKey: string | undefined, onProgress: (fraction: number) => void): Promise<void>;
};

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Encryption at rest of the local data, changed while the app runs (decision 0483): answers
 * being written are stopped and sync paused, the store rewrites its file (a snapshot first)
 * and opens it again, and everything goes on. A lost key is lost data: the screen says so
 * before any of this is called.
 */
export class PrivacyService {
  private encryption: StoreEncryption;
  private key: string | undefined;
  private progress: number | null = null;

  constructor(
    private readonly deps: {
      secrets: SecretStore;
      store: StoreKeyControl;
      newKey: () => string;
      /** Stops what writes to the store on its own; resolves to what starts it again. */
      quiesce: () => Promise<() => void>;
    },
  ) {
    this.encryption = deps.store.encryption;
    this.key = deps.store.key;
  }

  status(): PrivacyStatus {
    return {
      encryption: this.encryption,
      keychain: this.deps.secrets.protection === 'os-keychain',
      progress: this.progress,
    };
  }

  /**
   * Encrypts the data now: with a random key kept in the keychain (the desktop app), or with
   * the passphrase given (the web host, or a desktop without a keychain).
   */
  async encrypt(input: z.infer<typeof encryptInput>): Promise<PrivacyStatus> {
    if (this.encryption !== 'none') {
      throw new AppError('invalid-input', 'Your data is already encrypted.');
    }
    const { keychain } = this.status();
    if (input.passphrase === undefined && !keychain) {
      throw new AppError(
        'invalid-input',
        'This computer has no keychain to keep a key in: choose a passphrase instead.',
      );
    }
    if (input.passphrase !== undefined) {
      await this.rekey(input.passphrase, 'passphrase');
      return this.status();
    }
    const key = this.deps.newKey();
    // Kept before the file is rewritten: if the app stops in between, the next start finds the
    // key and finishes the job, instead of a file encrypted with a key nobody has.
    this.deps.secrets.set(STORE_KEY_SECRET, key);
    try {
      await this.rekey(key, 'os-keychain');
    } catch (error) {
      this.deps.secrets.delete(STORE_KEY_SECRET);
      throw error;
    }
    return this.status();
  }

  /** Stores the data unencrypted again; a passphrase must be given again to do it. */
  async decrypt(input: z.infer<typeof decryptInput>): Promise<PrivacyStatus> {
    if (this.encryption === 'none') {
      throw new AppError('invalid-input', 'Your data is not encrypted.');
    }
    if (this.encryption === 'passphrase') this.checkPassphrase(input.currentPassphrase);
    const wasKeychain = this.encryption === 'os-keychain';
    await this.rekey(undefined, 'none');
    if (wasKeychain) this.deps.secrets.delete(STORE_KEY_SECRET);
    return this.status();
  }

  async changePassphrase(input: z.infer<typeof changePassphraseInput>): Promise<PrivacyStatus> {
    if (this.encryption !== 'passphrase') {
      throw new AppError('invalid-input', 'Your data is not encrypted with a passphrase.');
    }
    this.checkPassphrase(input.currentPassphrase);
    await this.rekey(input.newPassphrase, 'passphrase');
    return this.status();
  }

  private checkPassphrase(given: string | undefined): void {
    const key = this.key ?? '';
    if (given === undefined || !timingSafeEqual(digest(given), digest(key))) {
      throw new AppError(
        'wrong-passphrase',
        'That is not the current passphrase, so nothing was changed.',
      );
    }
  }

  private async rekey(newKey: string | undefined, encryption: StoreEncryption): Promise<void> {
    if (this.progress !== null) {
      throw new AppError('storage-busy', 'Your data is already being encrypted or decrypted.');
    }
    this.progress = 0;
    const restart = await this.deps.quiesce();
    try {
      await this.deps.store.rekey(newKey, (fraction) => {
        this.progress = fraction;
      });
      this.key = newKey;
      this.encryption = encryption;
    } finally {
      this.progress = null;
      restart();
    }
  }
}
