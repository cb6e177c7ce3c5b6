/*
 * Byte encodings that work the same in Node, Electron's renderer and a browser (no Buffer).
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8ToBytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function bytesToUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Character code → its 6 bits, or -1 for anything outside the base64url alphabet. */
const SEXTETS = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) SEXTETS[ALPHABET.charCodeAt(i)] = i;

/*
 * Base64url by table, in one pass over a bit buffer: every change on the wire is base64url, and
 * going through atob/btoa (a regex test, two replaces, a binary string) was a tenth of opening
 * one. The last sextet's spare bits are ignored, as atob ignores them.
 */

export function bytesToBase64Url(bytes: Uint8Array): string {
  let text = '';
  let bits = 0;
  let count = 0;
  for (const byte of bytes) {
    bits = (bits << 8) | byte;
    count += 8;
    while (count >= 6) {
      count -= 6;
      text += ALPHABET.charAt((bits >> count) & 63);
    }
    bits &= (1 << count) - 1;
  }
  if (count > 0) text += ALPHABET.charAt((bits << (6 - count)) & 63);
  return text;
}

/** Decodes unpadded base64url; throws a `RangeError` on anything else. */
export function base64UrlToBytes(text: string): Uint8Array {
  if (text.length % 4 === 1) throw new RangeError('not unpadded base64url');
  const bytes = new Uint8Array(base64UrlDecodedLength(text));
  let bits = 0;
  let count = 0;
  let out = 0;
  for (let i = 0; i < text.length; i++) {
    const sextet = SEXTETS[text.charCodeAt(i)] ?? -1;
    if (sextet < 0) throw new RangeError('not unpadded base64url');
    bits = (bits << 6) | sextet;
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes[out++] = bits >> count;
      bits &= (1 << count) - 1;
    }
  }
  return bytes;
}

/** Length in bytes of what an unpadded base64url string decodes to, without decoding it. */
export function base64UrlDecodedLength(text: string): number {
  return Math.floor((text.length * 3) / 4);
}
