// Encoding detection and decoding, with multi-byte characters cut between reads.

import { describe, expect, it } from 'vitest';
import { SourceDecoder, checkUtf8, decodeWindows1252 } from './encoding.js';
import { CP1252_EXTRA, cp1252 } from './test-helpers.js';

/** Decodes `bytes` cut into reads at the given offsets, as the CSV reader does. */
function decodeSplit(bytes: Uint8Array, cuts: number[], head?: Uint8Array): { text: string; decoder: SourceDecoder } {
  const decoder = new SourceDecoder();
  if (head !== undefined) decoder.decideFrom(head, head.length === bytes.length);
  let text = '';
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    const decoded = decoder.decode(bytes.subarray(from, cut), cut === bytes.length);
    if (decoded.invalid) throw new Error(`invalid at read ending ${cut}`);
    text += decoded.text;
    from = cut;
  }
  return { text, decoder };
}

describe('SourceDecoder', () => {
  const sample = 'NOM;PRENOM\r\nLefèvre;Hélène\r\nCœur;Zoé 12 € «ok» – 𝄞 end\r\n';

  it('decodes UTF-8 split at every byte, deciding on the first non-ASCII bytes', () => {
    const bytes = Buffer.from(sample, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      for (const cut2 of [cut, Math.min(cut + 1, bytes.length), Math.min(cut + 2, bytes.length)]) {
        const { text, decoder } = decodeSplit(bytes, [cut, cut2]);
        expect(text).toBe(sample);
        expect(decoder.encoding).toBe('utf-8');
      }
    }
  });

  it('decodes Windows-1252 split at every byte', () => {
    const text1252 = `NOM;PRENOM\r\nLefèvre;Hélène ${CP1252_EXTRA}\r\n`;
    const bytes = cp1252(text1252);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { text, decoder } = decodeSplit(bytes, [cut]);
      expect(text).toBe(text1252);
      expect(decoder.encoding).toBe('windows-1252');
    }
  });

  it('strips a UTF-8 BOM at the start only, even split, and keeps U+FEFF elsewhere', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('A;B\n\uFEFFx;y', 'utf8')]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { text, decoder } = decodeSplit(bytes, [cut]);
      expect(text).toBe('A;B\n\uFEFFx;y');
      expect(decoder.encoding).toBe('utf-8');
    }
  });

  it('leaves an all-ASCII text undecided', () => {
    const { text, decoder } = decodeSplit(Buffer.from('a;b\nc;d\n'), [3]);
    expect(text).toBe('a;b\nc;d\n');
    expect(decoder.encoding).toBeNull();
  });

  it('decides from the whole look-ahead: a valid UTF-8 look-alike among 1252 accents is 1252', () => {
    // "Ã©" is C3 A9 in Windows-1252, which is also "é" in UTF-8; the other accents are not UTF-8.
    const text1252 = 'NOM\nÃ©\nHélène\nFrançois\nNoël\n';
    const bytes = cp1252(text1252);
    expect(decodeSplit(bytes, [6], bytes).text).toBe(text1252);
  });

  it('reports bytes that contradict a UTF-8 decision, with the text before them', () => {
    const decoder = new SourceDecoder();
    expect(decoder.decode(Buffer.from('é;a\n', 'utf8'), false)).toEqual({ text: 'é;a\n', invalid: false });
    expect(decoder.decode(Uint8Array.from([0x62, 0x0a, 0xe9, 0x0a]), false)).toEqual({ text: 'b\n', invalid: true });
  });

  it('treats a UTF-8 sequence cut by the end of the file as invalid', () => {
    const decoder = new SourceDecoder();
    decoder.decode(Buffer.from('é\n', 'utf8'), false);
    expect(decoder.decode(Uint8Array.from([0x61, 0xc3]), true)).toEqual({ text: 'a', invalid: true });
  });
});

describe('checkUtf8', () => {
  it.each([
    ['overlong', [0xc0, 0xaf], 0],
    ['surrogate', [0xed, 0xa0, 0x80], 0],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['lone continuation', [0x61, 0x80], 1],
  ])('rejects %s', (_, bytes, at) => {
    expect(checkUtf8(Uint8Array.from(bytes), 0).invalidAt).toBe(at);
  });

  it('matches TextDecoder on every 2-byte sequence', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    for (let a = 0x80; a < 0x100; a++) {
      for (let b = 0; b < 0x100; b += 7) {
        const bytes = Uint8Array.from([a, b, 0x80, 0x80]);
        let valid = true;
        try {
          fatal.decode(bytes);
        } catch {
          valid = false;
        }
        const check = checkUtf8(bytes, 0);
        expect(check.invalidAt < 0 && check.incompleteAt < 0).toBe(valid);
      }
    }
  });
});

describe('decodeWindows1252', () => {
  it('follows the WHATWG table for 0x80-0x9F', () => {
    expect(decodeWindows1252(Uint8Array.from([0x80, 0x8c, 0x9c, 0x92, 0x81, 0xe9, 0x41]))).toBe('€Œœ’\u0081éA');
  });
});
