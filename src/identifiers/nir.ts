// NIR (French social-security number) validation and canonical form: the 13-character body
// (DATA.md §2, DESIGN §3). Hot path of ingest: one pass over char codes, no regex.

import { accept, reject, type Normalized } from './canonical.js';

/** `valid`: a key was given and matches; `missing`: 13 characters, no key; `wrong`: a key in 01–97 that does not match. */
export type NirKeyStatus = 'valid' | 'missing' | 'wrong';

// Reasons are constants: they end up in reject reports and must never carry the value (STYLE "Errors").
const R_EMPTY = '"nir" is empty';
const R_SEX = '"nir" has an invalid sex digit';
const R_YEAR = '"nir" has an invalid year';
const R_MONTH = '"nir" has an invalid month';
const R_PLACE = '"nir" has an invalid department';
const R_COMMUNE = '"nir" has an invalid commune or country code';
const R_ORDER = '"nir" has an invalid order number';
const R_KEY = '"nir" has an invalid key (expected 2 digits)';

const C0 = 48; // '0'
const C_A = 65; // 'A'
const C_B = 66; // 'B'

// Scratch buffer of the significant characters (an overlong input is only counted, not stored).
// Pure synchronous code: sharing it between calls is safe.
const buf = new Uint16Array(16);

/** Separators accepted between NIR characters: ASCII and no-break spaces, tab, dot, hyphen and Unicode dashes. */
function isSeparator(c: number): boolean {
  return (
    c === 32 || c === 46 || c === 45 || c === 9 || c === 0xa0 || c === 0x202f || c === 0x2009 ||
    (c >= 0x2010 && c <= 0x2013)
  );
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Two digits at `i` as a number, or -1. */
function twoDigits(i: number): number {
  const a = buf[i]! - C0;
  const b = buf[i + 1]! - C0;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Structure checks of DATA.md §2 on `buf[0..13)`; returns a reason or undefined.
 * Deliberately lenient where a real file may hold values the rules of today no longer issue:
 * - department `20` (Corsica before 1976) is accepted, and `2A`/`2B` are accepted whatever the year;
 * - commune/country codes are only checked to be 3 digits (no table of communes);
 * - the year is any two digits.
 */
function checkBody(): string | undefined {
  const sex = buf[0]!;
  if (sex !== 49 && sex !== 50 && sex !== 55 && sex !== 56) return R_SEX; // 1, 2 (NIR); 7, 8 (NIA)
  if (twoDigits(1) < 0) return R_YEAR;
  const month = twoDigits(3);
  // 01–12 real; 20–42 fictitious or from an incomplete record; 50–99 fictitious (DATA.md §2).
  if (month < 1 || (month > 12 && month < 20) || (month > 42 && month < 50)) return R_MONTH;
  const c5 = buf[5]!;
  const c6 = buf[6]!;
  if (c5 === 50 && (c6 === C_A || c6 === C_B)) {
    // 2A / 2B: Corsica.
  } else {
    const dep = twoDigits(5);
    // 01–95 (20 included: Corsica before 1976), 97x/98x overseas, 99 abroad; 00 and 96 do not exist.
    if (dep < 1 || dep === 96) return R_PLACE;
  }
  if (!isDigit(buf[7]!) || !isDigit(buf[8]!) || !isDigit(buf[9]!)) return R_COMMUNE;
  const o1 = buf[10]!;
  const o2 = buf[11]!;
  const o3 = buf[12]!;
  if (!isDigit(o1) || !isDigit(o2) || !isDigit(o3) || (o1 === C0 && o2 === C0 && o3 === C0)) return R_ORDER;
  return undefined;
}

/** 97 − (n mod 97) of `buf[0..13)`, with 2A read as 19 and 2B as 18 (DATA.md §2). */
function keyOfBuf(): number {
  let r = 0;
  for (let i = 0; i < 13; i++) {
    let d: number;
    const c = buf[i]!;
    if (i === 5 && (buf[6] === C_A || buf[6] === C_B)) d = 1;
    else if (c === C_A) d = 9;
    else if (c === C_B) d = 8;
    else d = c - C0;
    r = (r * 10 + d) % 97;
  }
  return 97 - r;
}

/**
 * Canonical NIR body (DESIGN §3): separators (spaces, dots, dashes) removed, `2a`/`2b` upper-cased,
 * structure validated (DATA.md §2). The key, when present, must be two digits 01–97; a key that does
 * not match still yields the body (`keyStatus: 'wrong'`): about 1% of file NIRs carry one, and the body
 * alone is what identifies the person.
 */
export function normalizeNir(raw: string): Normalized<{ body: string; keyStatus: NirKeyStatus }> {
  const len = raw.length;
  let n = 0;
  let clean = true; // no separator and no lower case: the body is a plain slice of the input
  for (let i = 0; i < len; i++) {
    let c = raw.charCodeAt(i);
    if (isSeparator(c)) {
      clean = false;
      continue;
    }
    if (c === 97 || c === 98) {
      c -= 32; // 2a / 2b
      clean = false;
    }
    if (n < 16) buf[n] = c;
    n++;
  }
  // The count is the only thing about the input a reason may say (STYLE: `got 12`).
  if (n !== 13 && n !== 15) return reject(n === 0 ? R_EMPTY : `"nir" expected 13 or 15 characters, got ${n}`);
  const problem = checkBody();
  if (problem !== undefined) return reject(problem);
  let keyStatus: NirKeyStatus = 'missing';
  if (n === 15) {
    const key = twoDigits(13);
    // Any two digits that are not the key (00, 98 and 99 included: a typo is a typo) leave the body indexed.
    if (key < 0) return reject(R_KEY);
    keyStatus = key === keyOfBuf() ? 'valid' : 'wrong';
  }
  const body = clean
    ? raw.slice(0, 13)
    : String.fromCharCode(
        buf[0]!, buf[1]!, buf[2]!, buf[3]!, buf[4]!, buf[5]!, buf[6]!,
        buf[7]!, buf[8]!, buf[9]!, buf[10]!, buf[11]!, buf[12]!,
      );
  return accept({ body, keyStatus });
}

function loadBody(body: string, fn: string): void {
  if (body.length !== 13) throw new RangeError(`${fn}: "nir" body expected 13 characters, got ${body.length}`);
  for (let i = 0; i < 13; i++) buf[i] = body.charCodeAt(i);
  const problem = checkBody();
  if (problem !== undefined) throw new RangeError(`${fn}: ${problem}`);
}

/**
 * The control key of a 13-character body: 97 − (n mod 97), 2A read as 19 and 2B as 18 (DATA.md §2).
 * Throws a RangeError for a body that `normalizeNir` would not produce (upper-case `2A`/`2B` only).
 */
export function nirKey(body: string): number {
  loadBody(body, 'nirKey');
  return keyOfBuf();
}

/**
 * Display form `2 55 08 14 168 025 38` (DATA.md §2): groups 1-2-2-2-3-3, then the key on two digits
 * when one is given. Without `key` only the body is formatted; pass `nirKey(body)` to show the computed one.
 */
export function formatNir(body: string, key?: number): string {
  loadBody(body, 'formatNir');
  const groups = `${body.slice(0, 1)} ${body.slice(1, 3)} ${body.slice(3, 5)} ${body.slice(5, 7)} ${body.slice(7, 10)} ${body.slice(10, 13)}`;
  if (key === undefined) return groups;
  if (!Number.isInteger(key) || key < 1 || key > 97) throw new RangeError('formatNir: key expected an integer from 1 to 97');
  return `${groups} ${key < 10 ? '0' : ''}${key}`;
}
