import { describe, expect, it } from 'vitest';
import { openChange, sealChange } from './change-cipher';
import { CryptoError } from './crypto-error';
import { base64UrlToBytes, bytesToBase64Url, bytesToUtf8, utf8ToBytes } from './encoding';
import { generateDataKey } from './key-wrap';

const plaintext = utf8ToBytes(JSON.stringify({ entity: 'message', text: 'secret words' }));

describe('sealChange / openChange', () => {
  it('round-trips a change and never shows its plaintext', () => {
    const dataKey = generateDataKey();
    const ciphertext = sealChange({ dataKey, changeId: 'c1', plaintext });
    expect(ciphertext).not.toContain('secret');
    expect(bytesToUtf8(openChange({ dataKey, changeId: 'c1', ciphertext }))).toContain(
      'secret words',
    );
  });

  it('uses a fresh nonce each time, so equal changes seal differently', () => {
    const dataKey = generateDataKey();
    expect(sealChange({ dataKey, changeId: 'c1', plaintext })).not.toBe(
      sealChange({ dataKey, changeId: 'c1', plaintext }),
    );
  });

  it('refuses a ciphertext moved to another change id (the id is associated data)', () => {
    const dataKey = generateDataKey();
    const ciphertext = sealChange({ dataKey, changeId: 'c1', plaintext });
    expect(() => openChange({ dataKey, changeId: 'c2', ciphertext })).toThrow(CryptoError);
  });

  it('refuses a wrong key and a flipped byte', () => {
    const dataKey = generateDataKey();
    const ciphertext = sealChange({ dataKey, changeId: 'c1', plaintext });
    expect(() => openChange({ dataKey: generateDataKey(), changeId: 'c1', ciphertext })).toThrow(
      expect.objectContaining({ code: 'decrypt-failure' }),
    );
    const bytes = base64UrlToBytes(ciphertext);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() =>
      openChange({ dataKey, changeId: 'c1', ciphertext: bytesToBase64Url(bytes) }),
    ).toThrow(expect.objectContaining({ code: 'decrypt-failure' }));
  });

  it('names a malformed or unknown-format ciphertext', () => {
    const dataKey = generateDataKey();
    expect(() => openChange({ dataKey, changeId: 'c1', ciphertext: 'AAAA' })).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
    expect(() => openChange({ dataKey, changeId: 'c1', ciphertext: '***' })).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
    const bytes = base64UrlToBytes(sealChange({ dataKey, changeId: 'c1', plaintext }));
    bytes[0] = 9;
    expect(() =>
      openChange({ dataKey, changeId: 'c1', ciphertext: bytesToBase64Url(bytes) }),
    ).toThrow(expect.objectContaining({ code: 'unsupported-version' }));
  });

  it('refuses a data key of the wrong length', () => {
    expect(() => sealChange({ dataKey: new Uint8Array(16), changeId: 'c1', plaintext })).toThrow(
      RangeError,
    );
  });
});
