import { describe, expect, it } from 'vitest';
import { CryptoError } from './crypto-error';
import { base64UrlToBytes, bytesToBase64Url } from './encoding';
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

describe('a wrapped data key tampered with on the server', () => {
  const envelope = () =>
    JSON.parse(wrapDataKeyWithKey({ dataKey, wrappingKey, purpose: 'password' })) as {
      nonce: string;
      ct: string;
    };
  const flip = (text: string, at: number) => {
    const bytes = base64UrlToBytes(text);
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    return bytesToBase64Url(bytes);
  };
  const opens = (changed: object) =>
    codeOf(() => unwrapDataKeyWithKey({ wrappedDataKey: JSON.stringify(changed), wrappingKey }));

  it('does not open with a flipped bit in the ciphertext, the tag or the nonce', () => {
    const original = envelope();
    expect(opens({ v: 2, purpose: 'password', ...original })).toBeUndefined();
    expect(opens({ v: 2, purpose: 'password', ...original, ct: flip(original.ct, 0) })).toBe(
      'decrypt-failure',
    );
    expect(opens({ v: 2, purpose: 'password', ...original, ct: flip(original.ct, 47) })).toBe(
      'decrypt-failure',
    );
    expect(opens({ v: 2, purpose: 'password', ...original, nonce: flip(original.nonce, 3) })).toBe(
      'decrypt-failure',
    );
  });

  it("does not open with another envelope's nonce, or truncated", () => {
    const one = envelope();
    const two = envelope();
    expect(opens({ v: 2, purpose: 'password', ct: one.ct, nonce: two.nonce })).toBe(
      'decrypt-failure',
    );
    expect(opens({ v: 2, purpose: 'password', ...one, ct: one.ct.slice(0, 40) })).toBe(
      'decrypt-failure',
    );
    expect(opens({ v: 2, purpose: 'password', ...one, ct: '' })).toBe('decrypt-failure');
  });
});

describe('recovery key', () => {
  const FORMAT = /^([0-9A-HJKMNP-TV-Z]{4}-){12}[0-9A-HJKMNP-TV-Z]{4}$/;

  it('is 32 random bytes shown as 13 groups of 4 in Crockford base32', () => {
    expect(generateRecoveryKey()).toMatch(FORMAT);
    expect(generateRecoveryKey()).not.toBe(generateRecoveryKey());
    expect(generateRecoveryKey(filled(0))).toBe(Array(13).fill('0000').join('-'));
    // 256 one bits: 51 Zs, then one bit and four zero bits of padding (G).
    expect(generateRecoveryKey(filled(0xff))).toBe(`${Array(12).fill('ZZZZ').join('-')}-ZZZG`);
  });

  it('derives the known answer of HKDF-SHA256, however it was typed', () => {
    const key = generateRecoveryKey(filled(0));
    const keys = deriveRecoveryKeys(key);
    const typed = ` ${key.toLowerCase().replace(/0/g, 'o').replace(/-/g, ' ')}\n`;
    expect(deriveRecoveryKeys(typed)).toEqual(keys);
    expect(keys.serverSecret).not.toBe(bytesToBase64Url(keys.wrappingKey));
    // Also what Node's own crypto.hkdfSync gives for 32 zero bytes and these labels.
    expect(keys.serverSecret).toBe('NkAqF6A9Jf0OPeb5J6CX9_82v-LteVNmBC9a1cnWj1c');
    expect(Buffer.from(keys.wrappingKey).toString('hex')).toBe(
      'be37e153a199c4b20cf7e475bbf1701758513edd6e5dc44b54316f0ec596383c',
    );
  });

  it('refuses what is not one', () => {
    const key = generateRecoveryKey(filled(0xff));
    for (const typo of [
      '',
      'abc',
      `${key}Z`,
      key.slice(0, -1),
      key.replace('ZZZG', 'ZZZU'),
      // Trailing bits that no key has.
      key.replace('ZZZG', 'ZZZH'),
      '!'.repeat(52),
    ]) {
      expect(
        codeOf(() => deriveRecoveryKeys(typo)),
        typo,
      ).toBe('malformed');
    }
  });
});
