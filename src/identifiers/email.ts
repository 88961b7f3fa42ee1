// E-mail addresses: trimmed, Unicode NFC, lower-cased (DESIGN §3), with a light validation that catches
// what is not an address at all without rejecting unusual but real ones.

import { accept, reject, type Normalized } from './canonical.js';

const R_EMPTY = '"email" is empty';
const R_SPACE = '"email" contains spaces or control characters';
const R_AT = '"email" must contain exactly one @';
const R_LOCAL = '"email" has an empty part before the @';
const R_DOMAIN = '"email" has an invalid domain (expected labels separated by dots)';

const SPACE_OR_CONTROL = /[\s\p{Cc}]/u;

/** Removes, repeatedly, a surrounding `<…>` and a leading `mailto:` (any case), trimming in between. */
function unwrap(raw: string): string {
  let s = raw.trim();
  for (;;) {
    const before = s;
    if (s.length >= 2 && s.charCodeAt(0) === 60 && s.charCodeAt(s.length - 1) === 62) s = s.slice(1, -1).trim();
    if (s.length >= 7 && s.slice(0, 7).toLowerCase() === 'mailto:') s = s.slice(7).trim();
    if (s === before) return s;
  }
}

/**
 * Canonical e-mail (DESIGN §3): trimmed, a surrounding `mailto:` and angle brackets removed, lower-cased,
 * Unicode NFC. Validation is deliberately light: one `@`, a non-empty local part, a domain of at least two
 * non-empty dot-separated labels, no whitespace or control character. The local part is lower-cased too
 * (RFC 5321 lets it be case-sensitive, no real provider is, and a person rarely remembers the case the lab
 * typed). Internationalized domains are kept as written (no punycode conversion).
 */
export function normalizeEmail(raw: string): Normalized<string> {
  let s = unwrap(raw);
  if (s === '') return reject(R_EMPTY);
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === 127) return reject(R_SPACE);
    if (c > 127) ascii = false;
  }
  if (ascii) {
    s = s.toLowerCase();
  } else {
    // Lower-case first, then compose: toLowerCase may decompose (İ -> i + U+0307), NFC recomposes.
    s = s.toLowerCase().normalize('NFC');
    if (SPACE_OR_CONTROL.test(s)) return reject(R_SPACE);
  }
  const at = s.indexOf('@');
  if (at < 0 || s.indexOf('@', at + 1) >= 0) return reject(R_AT);
  if (at === 0) return reject(R_LOCAL);
  // Domain: at least two non-empty labels separated by single dots.
  const len = s.length;
  if (at + 1 >= len || s.charCodeAt(at + 1) === 46 || s.charCodeAt(len - 1) === 46) return reject(R_DOMAIN);
  let dots = 0;
  for (let i = at + 2; i < len; i++) {
    if (s.charCodeAt(i) === 46) {
      if (s.charCodeAt(i - 1) === 46) return reject(R_DOMAIN);
      dots++;
    }
  }
  return dots === 0 ? reject(R_DOMAIN) : accept(s);
}
