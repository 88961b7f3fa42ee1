// Notice codes (DESIGN §5): 80 random bits printed on a letter as Crockford base32,
// XXXX-XXXX-XXXX-XXXX, and read back tolerant of how people retype them. Browser-safe.
// The 16 canonical characters are what deriveNoticeKeys takes; the code never leaves the browser.

import { CANONICAL_NOTICE_CODE } from './hkdf-seal-params.js';
import { defaultRandomBytes, type RandomBytes } from './suite.js';

/** Crockford's base32 alphabet: no I, L, O (read as 1, 1, 0) and no U. */
export const NOTICE_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const NOTICE_CODE_BITS = 80;
export const NOTICE_CODE_LENGTH = NOTICE_CODE_BITS / 5;

/** A fresh code: 10 random bytes as 16 canonical characters (no dashes; see formatNoticeCode). */
export function generateNoticeCode(rng: RandomBytes = defaultRandomBytes): string {
  const bytes = rng(NOTICE_CODE_BITS / 8);
  if (!(bytes instanceof Uint8Array) || bytes.length !== NOTICE_CODE_BITS / 8) {
    throw new TypeError(`"rng" expected to return ${NOTICE_CODE_BITS / 8} bytes`);
  }
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = ((acc << 8) | byte) & 0xfff; // at most 12 pending bits
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += NOTICE_CODE_ALPHABET[(acc >>> bits) & 31];
    }
  }
  return out;
}

// Separators people type or paste: ASCII and Unicode dashes/minus, and any white space, including
// the narrow no-break space that French typography puts in printed text.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212\u00ad]+/g;

/**
 * What a person typed -> the 16 canonical characters, or null. Tolerates case, spaces, dashes,
 * O for 0 and I or L for 1; rejects U, any other character, and any length but 16.
 */
export function parseNoticeCode(typed: string): string | null {
  if (typeof typed !== 'string' || typed.length > 128) return null;
  const compact = typed.replace(SEPARATORS, '');
  if (!/^[0-9A-Za-z]*$/.test(compact)) return null; // ASCII only, before case folding
  const canonical = compact.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  return CANONICAL_NOTICE_CODE.test(canonical) ? canonical : null;
}

/** 16 canonical characters -> XXXX-XXXX-XXXX-XXXX, as printed on letters. */
export function formatNoticeCode(c16: string): string {
  if (typeof c16 !== 'string' || !CANONICAL_NOTICE_CODE.test(c16)) {
    throw new RangeError('notice code expected 16 canonical characters');
  }
  return `${c16.slice(0, 4)}-${c16.slice(4, 8)}-${c16.slice(8, 12)}-${c16.slice(12, 16)}`;
}
