// A Windows-1252 encoder, for the "dirty" synthetic export (real lab exports come out of Excel in this
// code page). Follows the WHATWG Encoding Standard index; anything it cannot represent becomes '?'.

/** Code points of bytes 0x80–0x9F (WHATWG index-windows-1252); the five holes map to C1 controls. */
const HIGH_BLOCK = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
] as const;

const ENCODE_HIGH = new Map<number, number>(HIGH_BLOCK.map((codePoint, i) => [codePoint, 0x80 + i]));
const QUESTION_MARK = 0x3f;

/**
 * Encodes `text` in Windows-1252. ASCII and U+00A0–U+00FF map to themselves, the 27 typographic
 * characters of 0x80–0x9F (€ ’ “ ” … – — œ Œ Ÿ ...) to their byte; everything else (including a
 * whole astral character, counted once) to '?', as Excel's "CSV (separator: semicolon)" does.
 */
export function encodeWindows1252(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  return out.subarray(0, encodeWindows1252Into(text, out, 0));
}

/** Encodes `text` into `out` from `offset` (room for `text.length` bytes needed); returns the bytes written. */
export function encodeWindows1252Into(text: string, out: Uint8Array, offset: number): number {
  if (offset + text.length > out.length) throw new RangeError(`"out" expected room for ${text.length} bytes from ${offset}`);
  let j = offset;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 || (c >= 0xa0 && c <= 0xff)) {
      out[j++] = c;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      out[j++] = QUESTION_MARK;
      i++;
    } else {
      out[j++] = ENCODE_HIGH.get(c) ?? QUESTION_MARK;
    }
  }
  return j - offset;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
