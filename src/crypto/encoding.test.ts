// base64url without padding: agreement with Node's codec, and strict rejection of everything else.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { b64uDecode, b64uEncode } from './encoding.js';

describe('b64u', () => {
  it('agrees with Buffer base64url and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = b64uEncode(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(b64uDecode(text)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
  ])('RFC 4648 §10: %j <-> %j', (text, encoded) => {
    expect(b64uEncode(new TextEncoder().encode(text))).toBe(encoded);
    expect(new TextDecoder().decode(b64uDecode(encoded))).toBe(text);
  });

  it('encodes the two url-safe characters', () => {
    expect(b64uEncode(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
  });

  it.each([
    ['Zg==', 'padding'],
    ['Zm9v+w', 'standard alphabet +'],
    ['Zm9v/w', 'standard alphabet /'],
    ['Zm9 v', 'white space'],
    ['Z', 'impossible length'],
    ['Zh', 'non-zero trailing bits'],
    ['Zm9', 'non-zero trailing bits'],
    ['Zm9vé', 'non-ASCII'],
  ])('rejects %j (%s) with TypeError', (text) => {
    expect(() => b64uDecode(text)).toThrow(TypeError);
  });

  it('rejects non-strings and non-bytes', () => {
    expect(() => b64uDecode(42 as unknown as string)).toThrow(TypeError);
    expect(() => b64uEncode('abc' as unknown as Uint8Array)).toThrow(TypeError);
  });
});
