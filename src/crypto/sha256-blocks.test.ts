import { createHash, createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmac, hmacKey, sha256Js } from './sha256-blocks.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('SHA-256 over the compression function (FIPS 180-4)', () => {
  it('gives the FIPS 180-4 / NIST example digests', () => {
    const enc = new TextEncoder();
    expect(hex(sha256Js(enc.encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256Js(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256Js(enc.encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('equals node:crypto on every length around the block and padding boundaries', () => {
    for (let n = 0; n <= 300; n++) {
      const message = randomBytes(n);
      expect(hex(sha256Js(message)), `length ${n}`).toBe(createHash('sha256').update(message).digest('hex'));
    }
  });

  it('equals node:crypto on random messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (message) => {
        expect(hex(sha256Js(message))).toBe(createHash('sha256').update(message).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('HMAC-SHA256 from key midstates (RFC 2104)', () => {
  it('equals node:crypto for keys shorter, equal to and longer than a block, and reuses a key state', () => {
    for (const keyLength of [0, 1, 16, 32, 55, 63, 64, 65, 100, 200]) {
      const key = randomBytes(keyLength);
      const state = hmacKey(key);
      for (const n of [0, 1, 13, 55, 56, 63, 64, 65, 119, 120, 128, 300]) {
        const message = randomBytes(n);
        const out = new Uint8Array(40);
        hmac(state, message, out, 4);
        expect(hex(out.subarray(4, 36)), `key ${keyLength}, message ${n}`).toBe(createHmac('sha256', key).update(message).digest('hex'));
        expect(out.subarray(0, 4)).toEqual(new Uint8Array(4)); // writes only where asked
      }
    }
  });

  it('gives the RFC 4231 test case 2 value', () => {
    const enc = new TextEncoder();
    const out = new Uint8Array(32);
    hmac(hmacKey(enc.encode('Jefe')), enc.encode('what do ya want for nothing?'), out, 0);
    expect(hex(out)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('a different key gives a different MAC (negative)', () => {
    const message = randomBytes(64);
    const a = new Uint8Array(32);
    const b = new Uint8Array(32);
    hmac(hmacKey(Uint8Array.of(1)), message, a, 0);
    hmac(hmacKey(Uint8Array.of(2)), message, b, 0);
    expect(hex(a)).not.toBe(hex(b));
  });
});
