// The libsodium-backed hashes of an index build must give exactly the bytes of the independent paths: node:crypto for
// SHA-256, and for entries the JavaScript HKDF of hkdf-seal-node.ts, node's hkdfSync and the WebCrypto client that
// opens them. They must also leave nothing in libsodium's heap between calls.

import { createHash, hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveEntryKeys, open } from './hkdf-seal.js';
import { sealEntryInto as sealEntryIntoJs } from './hkdf-seal-node.js';
import { sodiumHashes } from './sodium-sha256.js';

const hashes = await sodiumHashes();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const y = fc.uint8Array({ minLength: 64, maxLength: 64 });
// Index ids as the builder makes them (32 hex digits), and others: short, non-ASCII, longer than an HMAC block.
const indexId = fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), fc.string({ minLength: 1, maxLength: 200 }), fc.constant('é'.repeat(70)));

describe('SHA-256 on libsodium', () => {
  it('equals node:crypto for every length around the block boundaries and for long messages', () => {
    for (const n of [0, 1, 31, 32, 55, 56, 63, 64, 65, 96, 119, 120, 127, 128, 129, 1023, 1024, 1025, 5000]) {
      const message = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff);
      const out = new Uint8Array(40).fill(0xaa);
      hashes.sha256Into(message, out, 4);
      expect(hex(out.subarray(4, 36))).toBe(createHash('sha256').update(message).digest('hex'));
      expect(out.subarray(0, 4).every((b) => b === 0xaa) && out.subarray(36).every((b) => b === 0xaa)).toBe(true);
    }
    expect(hashes.scratchIsClear()).toBe(true);
  });

  it('refuses an output that does not fit', () => {
    expect(() => hashes.sha256Into(new Uint8Array(3), new Uint8Array(40), 9)).toThrow(RangeError);
    expect(() => hashes.sha256Into(new Uint8Array(3), new Uint8Array(40), -1)).toThrow(RangeError);
  });
});

describe('entries sealed on libsodium', () => {
  it('are the bytes of the JavaScript path and of hkdfSync, and the WebCrypto client opens them', async () => {
    await fc.assert(
      fc.asyncProperty(y, indexId, fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.nat(40), async (y, indexId, plaintext, offset) => {
        const size = offset + 16 + plaintext.length + 16 + 5;
        const out = new Uint8Array(size).fill(0xee);
        hashes.sealEntryInto(y, indexId, plaintext, out, offset);
        const js = new Uint8Array(size).fill(0xee);
        sealEntryIntoJs(y, indexId, plaintext, js, offset);
        expect(hex(out)).toBe(hex(js));
        const salt = new TextEncoder().encode(indexId);
        expect(hex(out.subarray(offset, offset + 16))).toBe(hex(new Uint8Array(hkdfSync('sha256', y, salt, 'vigie/v1/tag', 16))));
        const web = await deriveEntryKeys(y, indexId);
        expect(hex((await open(web.sealKey, out.subarray(offset + 16, offset + 32 + plaintext.length)))!)).toBe(hex(plaintext));
        expect(hashes.scratchIsClear()).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('stay right when builds of two indexes interleave (the salt cache), with hashes in between', () => {
    const y1 = Uint8Array.from({ length: 64 }, (_, i) => i);
    const plaintext = new TextEncoder().encode('{"b":[]}    ');
    const seal = (id: string): string => {
      const out = new Uint8Array(16 + plaintext.length + 16);
      hashes.sealEntryInto(y1, id, plaintext, out, 0);
      return hex(out);
    };
    const a = seal('index-a');
    const b = seal('index-b');
    hashes.sha256Into(new Uint8Array(2000), new Uint8Array(32), 0); // grows the scratch: the salt state must survive
    expect(seal('index-a')).toBe(a);
    expect(seal('index-b')).toBe(b);
    expect(a).not.toBe(b);
  });

  it('refuse a y of the wrong size, an empty index id and an entry that does not fit, leaving the scratch clear', () => {
    const y1 = new Uint8Array(64).fill(7);
    expect(() => hashes.sealEntryInto(y1.subarray(1), 'index-a', new Uint8Array(10), new Uint8Array(42), 0)).toThrow(RangeError);
    expect(() => hashes.sealEntryInto(y1, '', new Uint8Array(10), new Uint8Array(42), 0)).toThrow(TypeError);
    expect(() => hashes.sealEntryInto(y1, 'index-a', new Uint8Array(10), new Uint8Array(41), 0)).toThrow(RangeError);
    expect(() => hashes.sealEntryInto(y1, 'index-a', new Uint8Array(10), new Uint8Array(50), -1)).toThrow(RangeError);
    expect(hashes.scratchIsClear()).toBe(true);
  });
});
