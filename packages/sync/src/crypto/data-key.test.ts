import { describe, expect, it } from 'vitest';
import { generateDataKey, unwrapDataKey, wrapDataKey, type PassphraseKdf } from './data-key';

// Cheap parameters keep the suite fast; the defaults are exercised once below.
const fastKdf: PassphraseKdf = { alg: 'argon2id', t: 1, m: 64, p: 1 };

describe('wrapDataKey / unwrapDataKey', () => {
  it('round-trips the data key with the passphrase', async () => {
    const dataKey = generateDataKey();
    const wrapped = await wrapDataKey({ dataKey, passphrase: 'correct horse', kdf: fastKdf });
    expect(await unwrapDataKey({ wrappedDataKey: wrapped, passphrase: 'correct horse' })).toEqual(
      dataKey,
    );
  });

  it('never puts the key bytes in the envelope', async () => {
    const dataKey = generateDataKey();
    const wrapped = await wrapDataKey({ dataKey, passphrase: 'pw', kdf: fastKdf });
    expect(wrapped).not.toContain(Buffer.from(dataKey).toString('base64url'));
  });

  it('refuses a wrong passphrase', async () => {
    const wrapped = await wrapDataKey({
      dataKey: generateDataKey(),
      passphrase: 'right',
      kdf: fastKdf,
    });
    await expect(unwrapDataKey({ wrappedDataKey: wrapped, passphrase: 'wrong' })).rejects.toThrow(
      expect.objectContaining({ code: 'decrypt-failure' }),
    );
  });

  it('refuses an envelope whose KDF cost was lowered by someone else', async () => {
    const wrapped = JSON.parse(
      await wrapDataKey({ dataKey: generateDataKey(), passphrase: 'pw', kdf: fastKdf }),
    );
    wrapped.kdf.m = 32;
    await expect(
      unwrapDataKey({ wrappedDataKey: JSON.stringify(wrapped), passphrase: 'pw' }),
    ).rejects.toThrow(expect.objectContaining({ code: 'decrypt-failure' }));
  });

  it('names malformed and unknown envelopes', async () => {
    await expect(unwrapDataKey({ wrappedDataKey: 'nope', passphrase: 'pw' })).rejects.toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
    await expect(unwrapDataKey({ wrappedDataKey: '{"v":7}', passphrase: 'pw' })).rejects.toThrow(
      expect.objectContaining({ code: 'unsupported-version' }),
    );
  });

  it('works with the default Argon2id parameters', async () => {
    const dataKey = generateDataKey();
    const wrapped = await wrapDataKey({ dataKey, passphrase: 'pw' });
    expect(JSON.parse(wrapped).kdf).toEqual({ alg: 'argon2id', t: 3, m: 65536, p: 1 });
    expect(await unwrapDataKey({ wrappedDataKey: wrapped, passphrase: 'pw' })).toEqual(dataKey);
  }, 30_000);
});
