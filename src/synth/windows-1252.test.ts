// The Windows-1252 encoder against a decoding table written here from the WHATWG index (Node's own
// TextDecoder('windows-1252') decodes 0x80–0x9F as Latin-1 since 20.18.3: nodejs/node#60888).

import { describe, expect, it } from 'vitest';
import { encodeWindows1252 } from './windows-1252.js';

const BYTES_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decode(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += b >= 0x80 && b < 0xa0 ? BYTES_80_9F[b - 0x80] : String.fromCharCode(b);
  return text;
}

describe('encodeWindows1252', () => {
  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect([...encodeWindows1252(decode(all))]).toEqual([...all]);
  });

  it('encodes French text and typographic characters to single bytes', () => {
    expect([...encodeWindows1252('é’œ€–…Œ')]).toEqual([0xe9, 0x92, 0x9c, 0x80, 0x96, 0x85, 0x8c]);
    expect(decode(encodeWindows1252('Hélène Lebœuf, 15 € – D’Almeida'))).toBe('Hélène Lebœuf, 15 € – D’Almeida');
  });

  it('replaces what 1252 cannot hold by one "?" per character', () => {
    expect(decode(encodeWindows1252('HbA1c ≥ 7 % → 😀 Łukasz'))).toBe('HbA1c ? 7 % ? ? ?ukasz');
    expect(decode(encodeWindows1252('a\ud800b'))).toBe('a?b');
    expect(decode(encodeWindows1252('\u0080'))).toBe('?');
  });
});
