import type * as NodeCryptoModule from 'node:crypto';
import { hchacha, xchacha20poly1305 } from '@noble/ciphers/chacha.js';

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): 32-byte key, 24-byte nonce, 16-byte tag after
 * the ciphertext. `open` throws on any ciphertext, tag or associated data that does not match.
 */
export type XChaCha = {
  seal(sealing: Sealing, plaintext: Uint8Array): Uint8Array;
  open(sealing: Sealing, sealed: Uint8Array): Uint8Array;
};

/** The key, the 24-byte nonce and the associated data of one message. */
export type Sealing = { key: Uint8Array; nonce: Uint8Array; aad: Uint8Array };

const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

/** `@noble/ciphers` in JavaScript: runs anywhere (a browser included). */
export const nobleXChaCha: XChaCha = {
  seal: ({ key, nonce, aad }, plaintext) => xchacha20poly1305(key, nonce, aad).encrypt(plaintext),
  open: ({ key, nonce, aad }, sealed) => xchacha20poly1305(key, nonce, aad).decrypt(sealed),
};

type NodeCrypto = typeof NodeCryptoModule;

/** "expand 32-byte k" as the four little-endian words HChaCha20 starts from. */
const SIGMA = new Uint32Array(new TextEncoder().encode('expand 32-byte k').buffer);

/**
 * XChaCha20-Poly1305 on Node's native ChaCha20-Poly1305 (OpenSSL): HChaCha20 of the key and the
 * nonce's first 16 bytes is the subkey, and 4 zero bytes then the nonce's last 8 are the
 * 12-byte nonce. Opening a change this way takes about half the time of `nobleXChaCha`, and an
 * initial sync opens every change of the account (decision 0503).
 */
export function nativeXChaCha(crypto: NodeCrypto): XChaCha {
  // Scratch words, reused by every call (each call is synchronous): a fresh typed array whose
  // buffer is handed to Node costs more than the HChaCha20 it holds (decision 0504).
  const keyWords = new Uint32Array(8);
  const keyBytes = new Uint8Array(keyWords.buffer);
  const nonceWords = new Uint32Array(4);
  const nonceBytes = new Uint8Array(nonceWords.buffer);
  const subkeyWords = new Uint32Array(8);
  const subkey = new Uint8Array(subkeyWords.buffer);
  const shortNonce = new Uint8Array(12);
  const derive = ({ key, nonce }: Sealing) => {
    if (key.length !== KEY_BYTES)
      throw new RangeError(`a key is ${KEY_BYTES} bytes, got ${key.length}`);
    if (nonce.length !== NONCE_BYTES) {
      throw new RangeError(`a nonce is ${NONCE_BYTES} bytes, got ${nonce.length}`);
    }
    keyBytes.set(key);
    nonceBytes.set(nonce.subarray(0, 16));
    hchacha(SIGMA, keyWords, nonceWords, subkeyWords);
    shortNonce.set(nonce.subarray(16), 4);
    // Node copies the key and nonce into the cipher: the scratch is free again once it is made.
    return { subkey, shortNonce };
  };
  return {
    seal(sealing, plaintext) {
      const { subkey, shortNonce } = derive(sealing);
      const cipher = crypto.createCipheriv('chacha20-poly1305', subkey, shortNonce, {
        authTagLength: TAG_BYTES,
      });
      cipher.setAAD(sealing.aad, { plaintextLength: plaintext.length });
      return joined([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    },
    open(sealing, sealed) {
      if (sealed.length < TAG_BYTES) throw new RangeError('a sealed message has a 16-byte tag');
      const { subkey, shortNonce } = derive(sealing);
      const length = sealed.length - TAG_BYTES;
      const decipher = crypto.createDecipheriv('chacha20-poly1305', subkey, shortNonce, {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(sealing.aad, { plaintextLength: length });
      decipher.setAuthTag(sealed.subarray(length));
      // `final` checks the tag and throws before anything of a tampered change is returned.
      return joined([decipher.update(sealed.subarray(0, length)), decipher.final()]);
    },
  };
}

/** One plain Uint8Array of the parts (Node hands back Buffers; `final` of a stream cipher is empty). */
function joined(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * The native one where the platform has Node's crypto with ChaCha20-Poly1305 (Node, Electron's
 * main process: where the sync engine and the server run), else noble (a browser). Looked up
 * with `process.getBuiltinModule`, so that bundling this module for a browser pulls in nothing.
 */
export function pickXChaCha(crypto: NodeCrypto | undefined): XChaCha {
  if (crypto?.getCiphers().includes('chacha20-poly1305')) return nativeXChaCha(crypto);
  return nobleXChaCha;
}

export const xchacha: XChaCha = pickXChaCha(globalThis.process?.getBuiltinModule?.('node:crypto'));
