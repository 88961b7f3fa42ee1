// Names folded so that every way of writing a name meets the file's (DESIGN §3), and the `person`
// identifier `LAST|FIRST|yyyy-mm-dd` built from them.

import { accept, reject, type Normalized } from './canonical.js';
import { normalizeDateField } from './date.js';

/** Letters that Unicode does not decompose into a base letter plus marks, folded by hand (after upper-casing). */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  'Æ': 'AE',
  'Œ': 'OE',
  'Ø': 'O',
  'ẞ': 'SS', // capital sharp s; the small ß is upper-cased to SS by toUpperCase
  'Ł': 'L',
  'Đ': 'D',
  'Ð': 'D',
  'Þ': 'TH',
  'Ħ': 'H',
};

const LETTER = /\p{L}/u;
const MARK = /\p{M}/u;
const DIGIT = /\p{Nd}/u;
const WHITESPACE = /\s/u;

/** Characters that separate words: whitespace, hyphens and dashes, apostrophes and their look-alikes. */
function isWordSeparator(c: number): boolean {
  return (
    c === 32 || c === 45 || c === 39 || c === 96 || (c >= 9 && c <= 13) || c === 0xa0 ||
    c === 0x2018 || c === 0x2019 || c === 0x02bc || c === 0xb4 || c === 0x2032 ||
    (c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0x202f || c === 0x2009 || c === 0x3000
  );
}

/** @internal `normalizeName` with reasons naming the field `label` (e.g. `"lastName" is empty`). */
export function normalizeNameField(raw: string, label: string): Normalized<string> {
  // ASCII fast path (most names of a French file): one pass, no normalization.
  let out = '';
  let pendingSpace = false;
  let ascii = true;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 128) {
      ascii = false;
      break;
    }
    if (c >= 65 && c <= 90) {
      if (pendingSpace && out !== '') out += ' ';
      pendingSpace = false;
      out += raw[i];
    } else if (c >= 97 && c <= 122) {
      if (pendingSpace && out !== '') out += ' ';
      pendingSpace = false;
      out += String.fromCharCode(c - 32);
    } else if (c >= 48 && c <= 57) {
      return reject(`"${label}" contains digits`);
    } else if (isWordSeparator(c)) {
      pendingSpace = true;
    } // other punctuation and controls: dropped
  }
  if (!ascii) return foldUnicode(raw, label);
  return out === '' ? reject(`"${label}" is empty`) : accept(out);
}

function foldUnicode(raw: string, label: string): Normalized<string> {
  // Upper-case before decomposing: upper-casing can itself produce marks (ǰ -> J + U+030C) or expand (ß -> SS).
  const s = raw.toUpperCase().normalize('NFD');
  let out = '';
  let pendingSpace = false;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    let letters: string | undefined;
    if (c < 128) {
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letters = ch.toUpperCase();
      else if (c >= 48 && c <= 57) return reject(`"${label}" contains digits`);
      else if (isWordSeparator(c)) pendingSpace = true;
    } else if (c >= 0x300 && c <= 0x36f) {
      // combining diacritical mark: dropped
    } else if (isWordSeparator(c) || WHITESPACE.test(ch)) {
      pendingSpace = true;
    } else if (LETTER_FOLDS[ch] !== undefined) {
      letters = LETTER_FOLDS[ch];
    } else if (MARK.test(ch)) {
      // other combining marks: dropped
    } else if (LETTER.test(ch)) {
      letters = ch;
    } else if (DIGIT.test(ch)) {
      return reject(`"${label}" contains digits`);
    } // other punctuation, symbols, format characters: dropped
    if (letters !== undefined) {
      if (pendingSpace && out !== '') out += ' ';
      pendingSpace = false;
      out += letters;
    }
  }
  return out === '' ? reject(`"${label}" is empty`) : accept(out);
}

/**
 * Folded name (DESIGN §3): upper-cased, diacritics removed (NFD, combining marks dropped; Æ -> AE,
 * Œ -> OE, Ø -> O, ß -> SS, and a few other letters without decomposition such as Ł -> L), hyphens,
 * apostrophes (’ ' ‘ `) and runs of whitespace folded to one space, trimmed, other punctuation removed.
 * `Jean-Pierre`, `JEAN PIERRE` and `jean  pierre` give `JEAN PIERRE`; `D’Artagnan` gives `D ARTAGNAN`.
 * Folding is the only matching: a name written without its separator (`Jeanpierre`) stays different.
 * Letters of other scripts are kept (upper-cased where the script has case). Refused when it contains a
 * digit or when nothing is left.
 */
export function normalizeName(raw: string): Normalized<string> {
  return normalizeNameField(raw, 'name');
}

/**
 * The `person` value `LAST|FIRST|yyyy-mm-dd` (DESIGN §3, §4) from a last name, a first name and a date
 * of birth, each normalized. `|` cannot occur inside a folded name, so the parts never run together.
 * Reasons name the failing part (`"lastName" is empty`).
 */
export function personValue(lastName: string, firstName: string, birthDate: string): Normalized<string> {
  const last = normalizeNameField(lastName, 'lastName');
  if (!last.ok) return last;
  const first = normalizeNameField(firstName, 'firstName');
  if (!first.ok) return first;
  const date = normalizeDateField(birthDate, 'birthDate');
  if (!date.ok) return date;
  return accept(joinPerson(last.value, first.value, date.value));
}

/** @internal The `person` value from parts already normalized. */
export function joinPerson(lastName: string, firstName: string, birthDate: string): string {
  return `${lastName}|${firstName}|${birthDate}`;
}
