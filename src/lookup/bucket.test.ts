import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketHex, bucketOfPrefix, chooseBucketBits, parseBucketHex, prefix32 } from './bucket.js';

describe('bucket arithmetic', () => {
  it.each([
    [0xabcdef12, 14, 'abcc'],
    [0xabcdef12, 16, 'abcd'],
    [0xabcdef12, 4, 'a'],
    [0xabcdef12, 5, 'a8'],
    [0x00000000, 9, '000'],
    [0xffffffff, 9, 'ff8'],
  ])('prefix %s with %i bits is %s', (prefix, bits, hex) => {
    expect(bucketHex(bucketOfPrefix(prefix, bits), bits)).toBe(hex);
  });

  it('parses back what it writes and refuses other shapes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 24 }), (p, bits) => {
        const b = bucketOfPrefix(p, bits);
        expect(b).toBeLessThan(2 ** bits);
        expect(parseBucketHex(bucketHex(b, bits), bits)).toBe(b);
      }),
    );
    expect(parseBucketHex('abcd', 14)).toBeNull(); // low unused bits set
    expect(parseBucketHex('ABCC', 14)).toBeNull(); // upper case
    expect(parseBucketHex('abc', 14)).toBeNull();
    expect(parseBucketHex('../x', 14)).toBeNull();
  });

  it('chooses more bits for more identifiers, within bounds', () => {
    expect(chooseBucketBits(0)).toBe(4);
    expect(chooseBucketBits(1_700_000)).toBe(15);
    expect(chooseBucketBits(1e12)).toBe(24);
  });

  it('reads a big-endian prefix', () => {
    expect(prefix32(new Uint8Array([0xab, 0xcd, 0xef, 0x12, 0x99]))).toBe(0xabcdef12);
  });
});
