// Notice codes (DESIGN §5): 80 random bits as 16 Crockford base32 characters, and parsing that
// forgives the ways people retype a printed code but nothing else.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOTICE_CODE_ALPHABET, formatNoticeCode, generateNoticeCode, parseNoticeCode } from './notice-code.js';

const canonical = fc.array(fc.constantFrom(...NOTICE_CODE_ALPHABET), { minLength: 16, maxLength: 16 }).map((a) => a.join(''));

describe('generateNoticeCode', () => {
  it('encodes the 80 rng bits, 5 per character, most significant first', () => {
    expect(generateNoticeCode(() => new Uint8Array(10))).toBe('0000000000000000');
    expect(generateNoticeCode(() => new Uint8Array(10).fill(0xff))).toBe('ZZZZZZZZZZZZZZZZ');
    // 0x08 = 00001|000 -> '1' then zeros; 0x01 in the last byte -> ...00001 -> '1' last.
    expect(generateNoticeCode(() => Uint8Array.of(0x08, 0, 0, 0, 0, 0, 0, 0, 0, 1))).toBe('1000000000000001');
    expect(generateNoticeCode(() => Uint8Array.of(0x00, 0x44, 0x32, 0x14, 0xc7, 0x42, 0x54, 0xb6, 0x35, 0xcf))).toBe('0123456789ABCDEF');
  });

  it('is injective on the 80 bits (round trip through the bits)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 10, maxLength: 10 }), (bytes) => {
        const code = generateNoticeCode(() => bytes);
        let n = 0n;
        for (const ch of code) n = (n << 5n) | BigInt(NOTICE_CODE_ALPHABET.indexOf(ch));
        let m = 0n;
        for (const b of bytes) m = (m << 8n) | BigInt(b);
        expect(n).toBe(m);
      }),
    );
  });

  it('gives 16 canonical characters from the CSPRNG, different each time', () => {
    const codes = new Set(Array.from({ length: 200 }, () => generateNoticeCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(parseNoticeCode(code)).toBe(code);
  });

  it('rejects an rng that returns the wrong size', () => {
    expect(() => generateNoticeCode(() => new Uint8Array(9))).toThrow(TypeError);
  });
});

describe('parseNoticeCode and formatNoticeCode', () => {
  it('round-trips canonical codes through the printed form', () => {
    fc.assert(
      fc.property(canonical, (c) => {
        const printed = formatNoticeCode(c);
        expect(printed).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
        expect(parseNoticeCode(printed)).toBe(c);
        expect(parseNoticeCode(printed.toLowerCase())).toBe(c);
      }),
    );
  });

  it.each([
    ['abcd-0123-efgh-4567', 'ABCD0123EFGH4567'],
    ['ABCD 0123 EFGH 4567', 'ABCD0123EFGH4567'],
    ['  abcd0123efgh4567\n', 'ABCD0123EFGH4567'],
    ['ABCD–0123—EFGH−4567', 'ABCD0123EFGH4567'], // en dash, em dash, minus sign
    ['ABCD\u202f0123\u00a0EFGH 4567', 'ABCD0123EFGH4567'], // narrow no-break and no-break spaces
    ['OOOO-IIII-LLLL-iiil', '0000111111111111'],
    ['o1l0-IoLi-0000-0000', '0110101100000000'],
  ])('reads %j as %s', (typed, expected) => {
    expect(parseNoticeCode(typed)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['ABCD-0123-EFGH-456', '15 characters'],
    ['ABCD-0123-EFGH-45678', '17 characters'],
    ['ABCD-0123-EFGH-456U', 'U is not in the alphabet'],
    ['ABCD-0123-EFGH-45*7', 'punctuation'],
    ['ABCD.0123.EFGH.4567', 'dots are not separators'],
    ['ÀBCD-0123-EFGH-4567', 'non-ASCII letter'],
    ['ABCD-0123-EFGH-456ß', 'ß would upper-case to two letters'],
  ])('rejects %j (%s)', (typed) => {
    expect(parseNoticeCode(typed)).toBeNull();
  });

  it('formatNoticeCode refuses anything but 16 canonical characters', () => {
    expect(() => formatNoticeCode('abcd0123efgh4567')).toThrow(RangeError);
    expect(() => formatNoticeCode('ABCD0123EFGH456')).toThrow(RangeError);
    expect(() => formatNoticeCode('ABCD0123EFGH456O')).toThrow(RangeError);
  });
});
