import { describe, expect, it } from 'vitest';
import { CryptoError } from './crypto-error';
import { bytesToBase64Url } from './encoding';
import {
  deriveRecoveryKeys,
  generateRecoveryKey,
  unwrapDataKeyWithKey,
  wrapDataKeyWithKey,
} from './key-wrap';

const filled = (value: number) => (length: number) => new Uint8Array(length).fill(value);
const dataKey = new Uint8Array(32).fill(7);
const wrappingKey = new Uint8Array(32).fill(9);

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof CryptoError ? error.code : 'not a CryptoError';
  }
  return undefined;
}

describe('data key wrapped under a key (protocol v2)', () => {
  it('opens with its key, for either purpose, and with nothing else', () => {
    for (const purpose of ['password', 'recovery'] as const) {
      const wrapped = wrapDataKeyWithKey({ dataKey, wrappingKey, purpose, randomBytes: filled(1) });
      expect(JSON.parse(wrapped)).toMatchObject({ v: 2, purpose });
      expect(unwrapDataKeyWithKey({ wrappedDataKey: wrapped, wrappingKey })).toEqual(dataKey);
      expect(
        codeOf(() => unwrapDataKeyWithKey({ wrappedDataKey: wrapped, wrappingKey: dataKey })),
      ).toBe('decrypt-failure');
    }
    // A fresh nonce each time by default.
    const a = wrapDataKeyWithKey({ dataKey, wrappingKey, purpose: 'password' });
    expect(a).not.toBe(wrapDataKeyWithKey({ dataKey, wrappingKey, purpose: 'password' }));
  });

  it('binds the purpose: an envelope relabelled by a server does not open', () => {
    const wrapped = JSON.parse(
      wrapDataKeyWithKey({ dataKey, wrappingKey, purpose: 'recovery' }),
    ) as Record<string, unknown>;
    const relabelled = JSON.stringify({ ...wrapped, purpose: 'password' });
    expect(codeOf(() => unwrapDataKeyWithKey({ wrappedDataKey: relabelled, wrappingKey }))).toBe(
      'decrypt-failure',
    );
  });

  it('refuses what is not a v2 envelope', () => {
    for (const text of [
      '{',
      '{"v":1}',
      JSON.stringify({ v: 2, purpose: 'x', nonce: '', ct: '' }),
    ]) {
      expect(
        codeOf(() => unwrapDataKeyWithKey({ wrappedDataKey: text, wrappingKey })),
        text,
      ).toBe('malformed');
    }
  });
});

describe('recovery key', () => {
  it('is 32 random bytes; its keys are the known answer of HKDF-SHA256', () => {
    expect(generateRecoveryKey().length).toBe(43);
    const key = generateRecoveryKey(filled(0));
    expect(key).toBe(bytesToBase64Url(new Uint8Array(32)));
    const keys = deriveRecoveryKeys(` ${key}\n`);
    expect(keys).toEqual(deriveRecoveryKeys(key));
    expect(keys.serverSecret).not.toBe(bytesToBase64Url(keys.wrappingKey));
    // Also what Node's own crypto.hkdfSync gives for 32 zero bytes and these labels.
    expect(keys.serverSecret).toBe('NkAqF6A9Jf0OPeb5J6CX9_82v-LteVNmBC9a1cnWj1c');
    expect(Buffer.from(keys.wrappingKey).toString('hex')).toBe(
      'be37e153a199c4b20cf7e475bbf1701758513edd6e5dc44b54316f0ec596383c',
    );
  });

  it('refuses what is not one', () => {
    for (const typo of ['', 'abc', `${generateRecoveryKey()}A`, '!'.repeat(43)]) {
      expect(
        codeOf(() => deriveRecoveryKeys(typo)),
        typo,
      ).toBe('malformed');
    }
  });
});
