import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64UrlDecodedLength, base64UrlToBytes, bytesToBase64Url } from './encoding';

describe('base64url', () => {
  it("encodes and decodes as Node's own base64url does, unpadded", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        const text = bytesToBase64Url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(base64UrlToBytes(text)).toEqual(bytes);
        expect(base64UrlDecodedLength(text)).toBe(bytes.length);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses padding, the standard alphabet, other characters and an impossible length', () => {
    for (const text of ['AAA=', 'AA+A', 'AA/A', 'AA A', 'AAé', 'A', 'AAAAA']) {
      expect(() => base64UrlToBytes(text), text).toThrow(RangeError);
    }
    expect(base64UrlToBytes('')).toEqual(new Uint8Array(0));
  });
});
