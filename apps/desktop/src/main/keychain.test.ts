import { describe, expect, it } from 'vitest';
import { keychainSealer } from './keychain';

/** Electron's safeStorage, injected: the test runs without Electron. */
function safeStorage(options: { available: boolean; backend?: string }) {
  return {
    isEncryptionAvailable: () => options.available,
    getSelectedStorageBackend: () =>
      (options.backend ?? 'gnome_libsecret') as ReturnType<
        Electron.SafeStorage['getSelectedStorageBackend']
      >,
    encryptString: (text: string) => Buffer.from([...Buffer.from(text)].reverse()),
    decryptString: (sealed: Buffer) => Buffer.from([...sealed].reverse()).toString(),
  };
}

describe('the keychain seal of the desktop app', () => {
  it('seals with safeStorage where the OS keychain is behind it', () => {
    const sealer = keychainSealer(safeStorage({ available: true }), 'linux');
    if (sealer === undefined) throw new Error('expected a seal');
    const sealed = sealer.seal('store key');
    expect(sealed).not.toContain('store key');
    expect(sealer.open(sealed)).toBe('store key');
  });

  it('has no seal where safeStorage is unavailable or only the built-in key of basic_text', () => {
    expect(keychainSealer(safeStorage({ available: false }), 'darwin')).toBeUndefined();
    expect(
      keychainSealer(safeStorage({ available: true, backend: 'basic_text' }), 'linux'),
    ).toBeUndefined();
  });
});
