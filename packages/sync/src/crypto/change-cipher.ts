import { CryptoError } from './crypto-error';
import { base64UrlToBytes, bytesToBase64Url, utf8ToBytes } from './encoding';
import { secureRandomBytes, type RandomBytes } from './random';
import { xchacha } from './xchacha';

/** First byte of a sealed change; a new layout gets a new byte. */
const SEALED_CHANGE_FORMAT = 1;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

export type SealChangeOptions = {
  dataKey: Uint8Array;
  changeId: string;
  plaintext: Uint8Array;
  randomBytes?: RandomBytes;
};

/**
 * Seals a change's plaintext with XChaCha20-Poly1305 (`./xchacha`) under the account's data key.
 * The change id is the associated data, so a server that swaps ciphertexts between change ids is
 * caught on open. The 24-byte nonce is random: safe for any number of changes under one key.
 * Layout, base64url-encoded: format byte (1) ‖ nonce (24) ‖ ciphertext ‖ tag (16).
 */
export function sealChange(options: SealChangeOptions): string {
  assertDataKey(options.dataKey);
  const nonce = (options.randomBytes ?? secureRandomBytes)(NONCE_BYTES);
  const sealed = xchacha.seal(
    { key: options.dataKey, nonce, aad: utf8ToBytes(options.changeId) },
    options.plaintext,
  );
  const out = new Uint8Array(1 + NONCE_BYTES + sealed.length);
  out[0] = SEALED_CHANGE_FORMAT;
  out.set(nonce, 1);
  out.set(sealed, 1 + NONCE_BYTES);
  return bytesToBase64Url(out);
}

export type OpenChangeOptions = { dataKey: Uint8Array; changeId: string; ciphertext: string };

/** Opens what {@link sealChange} sealed; a wrong key, id or a tampered byte is a `CryptoError`. */
export function openChange(options: OpenChangeOptions): Uint8Array {
  assertDataKey(options.dataKey);
  let bytes: Uint8Array;
  try {
    bytes = base64UrlToBytes(options.ciphertext);
  } catch {
    throw new CryptoError('malformed', `Change ${options.changeId} is not a sealed change.`, {
      changeId: options.changeId,
    });
  }
  if (bytes.length < 1 + NONCE_BYTES + TAG_BYTES) {
    throw new CryptoError('malformed', `Change ${options.changeId} is not a sealed change.`, {
      changeId: options.changeId,
    });
  }
  if (bytes[0] !== SEALED_CHANGE_FORMAT) {
    throw new CryptoError(
      'unsupported-version',
      `Change ${options.changeId} is sealed in format ${bytes[0]}, which this version cannot open.`,
      { changeId: options.changeId, format: bytes[0] },
    );
  }
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  try {
    return xchacha.open(
      { key: options.dataKey, nonce, aad: utf8ToBytes(options.changeId) },
      bytes.subarray(1 + NONCE_BYTES),
    );
  } catch {
    throw new CryptoError(
      'decrypt-failure',
      `Change ${options.changeId} does not open with this data key.`,
      { changeId: options.changeId },
    );
  }
}

function assertDataKey(key: Uint8Array): void {
  if (key.length !== DATA_KEY_BYTES) {
    throw new RangeError(`a data key is ${DATA_KEY_BYTES} bytes, got ${key.length}`);
  }
}
