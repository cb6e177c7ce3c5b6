import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nativeXChaCha, nobleXChaCha, pickXChaCha, xchacha } from './xchacha';

const native = nativeXChaCha(crypto);

/** Random inputs from a seeded generator, so a failure names a case that can be run again. */
function seededBytes(seed: number) {
  let state = seed;
  return (length: number): Uint8Array => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      out[i] = state >>> 24;
    }
    return out;
  };
}

describe('nativeXChaCha', () => {
  it('seals byte for byte as noble does and opens what noble sealed, on random inputs', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const random = seededBytes(seed);
      const key = random(32);
      const nonce = random(24);
      const aad = random(seed % 50);
      const plaintext = random((seed * 37) % 1100);
      const sealing = { key, nonce, aad };
      const sealed = nobleXChaCha.seal(sealing, plaintext);
      expect(native.seal(sealing, plaintext), `seed ${seed}`).toEqual(sealed);
      expect(native.open(sealing, sealed), `seed ${seed}`).toEqual(plaintext);
      expect(nobleXChaCha.open(sealing, native.seal(sealing, plaintext))).toEqual(plaintext);
    }
  });

  it('matches the XChaCha20-Poly1305 test vector of draft-irtf-cfrg-xchacha (A.3.1)', () => {
    const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s/g, ''), 'hex'));
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = hex('404142434445464748494a4b4c4d4e4f5051525354555657');
    const aad = hex('50515253c0c1c2c3c4c5c6c7');
    const sealing = { key, nonce, aad };
    const plaintext = new TextEncoder().encode(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const expected = hex(`
      bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
      731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
      2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
      21f9664c97637da9768812f615c68b13b52e
      c0875924c1c7987947deafd8780acf49`);
    expect(native.seal(sealing, plaintext)).toEqual(expected);
    expect(native.open(sealing, expected)).toEqual(plaintext);
  });

  it('refuses a flipped bit anywhere, other associated data, another nonce or key, a cut tag', () => {
    const random = seededBytes(7);
    const key = random(32);
    const nonce = random(24);
    const aad = random(36);
    const sealing = { key, nonce, aad };
    const sealed = native.seal(sealing, random(300));
    for (let i = 0; i < sealed.length; i += 13) {
      const tampered = sealed.slice();
      tampered[i] = (tampered[i] ?? 0) ^ 0x10;
      expect(() => native.open(sealing, tampered), `byte ${i}`).toThrow();
    }
    expect(() => native.open({ ...sealing, aad: random(36) }, sealed)).toThrow();
    expect(() => native.open({ ...sealing, nonce: random(24) }, sealed)).toThrow();
    expect(() => native.open({ ...sealing, key: random(32) }, sealed)).toThrow();
    expect(() => native.open(sealing, sealed.subarray(0, sealed.length - 1))).toThrow();
    expect(() => native.open(sealing, sealed.subarray(0, 15))).toThrow(RangeError);
  });

  it('refuses a nonce that is not 24 bytes, as noble does', () => {
    expect(() =>
      native.seal(
        { key: new Uint8Array(32), nonce: new Uint8Array(12), aad: new Uint8Array() },
        new Uint8Array(),
      ),
    ).toThrow(RangeError);
    expect(() =>
      nobleXChaCha.seal(
        { key: new Uint8Array(32), nonce: new Uint8Array(12), aad: new Uint8Array() },
        new Uint8Array(),
      ),
    ).toThrow();
  });

  it('refuses a key that is not 32 bytes, as noble does, whatever key came before', () => {
    const random = seededBytes(7);
    const sealing = { key: random(32), nonce: random(24), aad: random(8) };
    const sealed = native.seal(sealing, random(40));
    // The scratch still holds the good key: a short one must not borrow its last byte.
    expect(() => native.open({ ...sealing, key: sealing.key.subarray(0, 31) }, sealed)).toThrow(
      RangeError,
    );
    expect(() =>
      nobleXChaCha.open({ ...sealing, key: sealing.key.subarray(0, 31) }, sealed),
    ).toThrow();
  });

  it('opens changes sealed one after another with different keys and nonces (shared scratch)', () => {
    const random = seededBytes(11);
    const sealings = Array.from({ length: 5 }, () => ({
      key: random(32),
      nonce: random(24),
      aad: random(4),
    }));
    const plaintexts = sealings.map(() => random(64));
    const sealed = sealings.map((sealing, i) => native.seal(sealing, plaintexts[i] as Uint8Array));
    sealings.forEach((sealing, i) => {
      expect(native.open(sealing, sealed[i] as Uint8Array)).toEqual(plaintexts[i]);
      expect(nobleXChaCha.open(sealing, sealed[i] as Uint8Array)).toEqual(plaintexts[i]);
    });
  });
});

describe('pickXChaCha', () => {
  it('takes Node’s crypto where it has ChaCha20-Poly1305, else noble', () => {
    expect(pickXChaCha(crypto)).not.toBe(nobleXChaCha);
    expect(pickXChaCha(undefined)).toBe(nobleXChaCha);
    expect(pickXChaCha({ ...crypto, getCiphers: () => ['aes-256-gcm'] })).toBe(nobleXChaCha);
  });

  it('is the native one under Node, where the engine and the server run', () => {
    expect(xchacha).not.toBe(nobleXChaCha);
  });
});
