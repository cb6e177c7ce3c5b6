import type { SafeStorage } from 'electron';
import type { SecretSealer } from '../api/secret-store';

/**
 * The OS keychain's seal, or none where safeStorage does not really use one. On Linux without a
 * secret service (no gnome-keyring or KWallet) Electron falls back to `basic_text`, a key built
 * into Chromium: that protects nothing, so the secrets file is then protected only by its 0600
 * permissions, and the app says so instead of claiming a keychain. Electron's module is passed
 * in, so this is tested without Electron.
 */
export function keychainSealer(
  safeStorage: Pick<
    SafeStorage,
    'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'
  >,
  platform: NodeJS.Platform,
): SecretSealer | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return undefined;
  }
  return {
    seal: (text) => safeStorage.encryptString(text).toString('base64'),
    open: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
}
