// DESIGN §4/§5 key derivation and sealing: fixed known answers (computed once with @noble/hashes
// HKDF and node AES-GCM, an independent path), WebCrypto and node versions agreeing on random
// inputs, and authentication failures coming back as null.

import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveEntryKeys, deriveNoticeKeys, open, seal } from './hkdf-seal.js';
import { deriveEntryKeysSync, deriveNoticeKeysSync, openSync, sealEntryInto, sealSync } from './hkdf-seal-node.js';
import { NOTICE_CODE_ALPHABET } from './notice-code.js';

const enc = new TextEncoder();

const KAT = {
  y: Uint8Array.from({ length: 64 }, (_, i) => i),
  indexId: '0123456789abcdef0123456789abcdef',
  tag: 'e2fe5a8c3b7cb196a52e422814b7f50f',
  sealKey: 'b1034a133b7f805a8e76aedb3f20c7500c5aea7e33e27727a7660b9978b5da75',
  plaintext: enc.encode('{"b":[{"id":"lab-2024","c":["nir","identity"]}]}'.padEnd(64, ' ')),
  sealed:
    '9546c8055aaf2b5814f5e8d60fd463d472270bdc29561f581f4ee49a5a3e0045402cd728bda1fd3df8099759cf1ec6ca9e994a705d7e655301d5f677f0a0f37973d37cfbe389341d25c54b004f0a705d',
  code: 'ABCD0123EFGH4567',
  noticeId: 'DHyXv7f0rG8SgarFmQydRw',
  noticeKey: '66a39c29e54d08942fe9c11e2d24a5ff719f80e2b936985f71606f7e3128e777',
};

const impls = [
  {
    name: 'WebCrypto',
    deriveEntryKeys,
    seal,
    open,
    deriveNoticeKeys,
  },
  {
    name: 'node',
    deriveEntryKeys: async (y: Uint8Array, id: string) => deriveEntryKeysSync(y, id),
    seal: async (k: Uint8Array, p: Uint8Array) => sealSync(k, p),
    open: async (k: Uint8Array, s: Uint8Array) => openSync(k, s),
    deriveNoticeKeys: async (c: string) => deriveNoticeKeysSync(c),
  },
];

describe.each(impls)('$name', (impl) => {
  it('matches the known answers', async () => {
    const { tag, sealKey } = await impl.deriveEntryKeys(KAT.y, KAT.indexId);
    expect(bytesToHex(tag)).toBe(KAT.tag);
    expect(bytesToHex(sealKey)).toBe(KAT.sealKey);
    expect(bytesToHex(await impl.seal(sealKey, KAT.plaintext))).toBe(KAT.sealed);
    expect(await impl.open(sealKey, hexToBytes(KAT.sealed))).toEqual(KAT.plaintext);
    const notice = await impl.deriveNoticeKeys(KAT.code);
    expect(notice.noticeId).toBe(KAT.noticeId);
    expect(bytesToHex(notice.noticeKey)).toBe(KAT.noticeKey);
  });

  it('returns null for a wrong key, any changed byte, or a truncated seal', async () => {
    const key = hexToBytes(KAT.sealKey);
    const sealed = hexToBytes(KAT.sealed);
    const wrongKey = Uint8Array.from(key);
    wrongKey[0]! ^= 1;
    expect(await impl.open(wrongKey, sealed)).toBeNull();
    for (const index of [0, 31, sealed.length - 17, sealed.length - 16, sealed.length - 1]) {
      const tampered = Uint8Array.from(sealed);
      tampered[index]! ^= 0x40;
      expect(await impl.open(key, tampered)).toBeNull();
    }
    expect(await impl.open(key, sealed.subarray(0, sealed.length - 1))).toBeNull();
    expect(await impl.open(key, sealed.subarray(0, 15))).toBeNull();
    expect(await impl.open(key, new Uint8Array(0))).toBeNull();
  });

  it('seals the empty plaintext to a bare tag that opens', async () => {
    const key = hexToBytes(KAT.sealKey);
    const sealed = await impl.seal(key, new Uint8Array(0));
    expect(sealed).toHaveLength(16);
    expect(await impl.open(key, sealed)).toEqual(new Uint8Array(0));
  });

  it('rejects bad arguments', async () => {
    await expect(impl.deriveEntryKeys(KAT.y.subarray(0, 32), KAT.indexId)).rejects.toThrow(RangeError);
    await expect(impl.deriveEntryKeys(KAT.y, '')).rejects.toThrow(TypeError);
    await expect(impl.seal(new Uint8Array(16), KAT.plaintext)).rejects.toThrow(RangeError);
    await expect(impl.open(new Uint8Array(31), hexToBytes(KAT.sealed))).rejects.toThrow(RangeError);
    await expect(impl.deriveNoticeKeys('ABCD-0123-EFGH-4567')).rejects.toThrow(RangeError);
    await expect(impl.deriveNoticeKeys('abcd0123efgh4567')).rejects.toThrow(RangeError);
    await expect(impl.deriveNoticeKeys('ABCD0123EFGH456U')).rejects.toThrow(RangeError);
  });
});

describe('WebCrypto and node versions agree', () => {
  const y = fc.uint8Array({ minLength: 64, maxLength: 64 });
  // indexIds as designed (32 hex digits), but also long (> one SHA-256 block, so HMAC hashes the salt) and non-ASCII.
  const indexId = fc.oneof(
    fc.stringMatching(/^[0-9a-f]{32}$/),
    fc.string({ minLength: 1, maxLength: 100 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  );
  const code = fc.array(fc.constantFrom(...NOTICE_CODE_ALPHABET), { minLength: 16, maxLength: 16 }).map((a) => a.join(''));

  it('entry keys, also against node hkdfSync and noble hkdf', async () => {
    await fc.assert(
      fc.asyncProperty(y, indexId, async (y, indexId) => {
        const web = await deriveEntryKeys(y, indexId);
        const node = deriveEntryKeysSync(y, indexId);
        expect(bytesToHex(node.tag)).toBe(bytesToHex(web.tag));
        expect(bytesToHex(node.sealKey)).toBe(bytesToHex(web.sealKey));
        const salt = enc.encode(indexId);
        expect(bytesToHex(new Uint8Array(hkdfSync('sha256', y, salt, 'vigie/v1/seal', 32)))).toBe(bytesToHex(node.sealKey));
        expect(bytesToHex(hkdf(sha256, y, salt, enc.encode('vigie/v1/tag'), 16))).toBe(bytesToHex(node.tag));
      }),
      { numRuns: 200 },
    );
  });

  it('a whole entry written in place: the same bytes as the keys then the seal, and the WebCrypto client opens it', async () => {
    await fc.assert(
      fc.asyncProperty(y, indexId, fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.nat(40), async (y, indexId, plaintext, offset) => {
        const out = new Uint8Array(offset + 16 + plaintext.length + 16 + 7).fill(0xee);
        sealEntryInto(y, indexId, plaintext, out, offset);
        const keys = deriveEntryKeysSync(y, indexId);
        const entry = out.subarray(offset, offset + 32 + plaintext.length);
        expect(bytesToHex(entry)).toBe(bytesToHex(new Uint8Array([...keys.tag, ...sealSync(keys.sealKey, plaintext)])));
        expect(out.subarray(0, offset).every((b) => b === 0xee) && out.subarray(offset + 32 + plaintext.length).every((b) => b === 0xee)).toBe(true);
        const web = await deriveEntryKeys(y, indexId);
        expect(bytesToHex((await open(web.sealKey, entry.subarray(16)))!)).toBe(bytesToHex(plaintext));
      }),
      { numRuns: 100 },
    );
    expect(() => sealEntryInto(KAT.y, 'index-a', new Uint8Array(10), new Uint8Array(41), 0)).toThrow(RangeError);
    expect(() => sealEntryInto(KAT.y.subarray(1), 'index-a', new Uint8Array(10), new Uint8Array(42), 0)).toThrow();
  });

  it('entry keys stay right when index builds interleave (the salt cache)', () => {
    const y1 = KAT.y;
    const a = deriveEntryKeysSync(y1, 'index-a');
    const b = deriveEntryKeysSync(y1, 'index-b');
    expect(bytesToHex(deriveEntryKeysSync(y1, 'index-a').tag)).toBe(bytesToHex(a.tag));
    expect(bytesToHex(a.tag)).not.toBe(bytesToHex(b.tag));
  });

  it('notice keys', async () => {
    await fc.assert(
      fc.asyncProperty(code, async (c) => {
        const web = await deriveNoticeKeys(c);
        const node = deriveNoticeKeysSync(c);
        expect(node.noticeId).toBe(web.noticeId);
        expect(bytesToHex(node.noticeKey)).toBe(bytesToHex(web.noticeKey));
        expect(node.noticeId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      }),
      { numRuns: 100 },
    );
  });

  it('seal and open, crosswise', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 600 }),
        async (key, plaintext) => {
          const web = await seal(key, plaintext);
          const node = sealSync(key, plaintext);
          expect(bytesToHex(node)).toBe(bytesToHex(web));
          expect(web).toHaveLength(plaintext.length + 16);
          expect(await open(key, node)).toEqual(plaintext);
          expect(openSync(key, web)).toEqual(plaintext);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('node outputs are plain Uint8Arrays', () => {
    const { tag, sealKey } = deriveEntryKeysSync(KAT.y, KAT.indexId);
    for (const value of [tag, sealKey, sealSync(sealKey, KAT.plaintext), openSync(sealKey, hexToBytes(KAT.sealed))]) {
      expect(Object.getPrototypeOf(value)).toBe(Uint8Array.prototype);
    }
  });
});
