// Dates of birth to ISO `yyyy-mm-dd`, from the spellings lab exports and people use (DATA.md §1):
// a hand-written scanner, no regex, since ingest runs it on every row.

import { accept, reject, type Normalized } from './canonical.js';

const EMPTY = 0;
const FORMAT = 1;
const CALENDAR = 2;
const YEAR = 3;
type Failure = typeof EMPTY | typeof FORMAT | typeof CALENDAR | typeof YEAR;

/** Reasons name the field and never carry the value (STYLE "Errors"). */
function reason(label: string, failure: Failure): string {
  switch (failure) {
    case EMPTY:
      return `"${label}" is empty`;
    case FORMAT:
      return `"${label}" has an unrecognized format (expected dd/mm/yyyy or yyyy-mm-dd)`;
    case CALENDAR:
      return `"${label}" is not a real calendar date`;
    case YEAR:
      return `"${label}" has a year outside 1870 to 2100`;
  }
}

const MIN_YEAR = 1870;
const MAX_YEAR = 2100;

/** Separators between day, month and year: `/`, `-`, `.` and a space. Both must be the same. */
function isDateSeparator(c: number): boolean {
  return c === 47 || c === 45 || c === 46 || c === 32;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * A time suffix as spreadsheets write it after a date (`1990-07-14 00:00:00`, `1990-07-14T00:00:00Z`):
 * a space or `T`, then a digit, then only digits, `:`, `.`, `,`, `+`, `-`, `Z` and spaces. Its value is ignored.
 */
function isTimeSuffix(s: string, i: number, end: number): boolean {
  const first = s.charCodeAt(i);
  if (first !== 84 && first !== 116 && !isSpace(first)) return false; // T, t, space
  i++;
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  const d = s.charCodeAt(i);
  if (!(d >= 48 && d <= 57)) return false;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 58) || c === 46 || c === 44 || c === 43 || c === 45 || c === 90 || isSpace(c))) return false;
  }
  return true;
}

/**
 * ISO date `yyyy-mm-dd` from `dd/mm/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`, `dd mm yyyy` or the same with the
 * year first (`yyyy-mm-dd`, `yyyy/mm/dd`), days and months on one or two digits, surrounding spaces and a
 * time suffix ignored. The day always comes before the month when the year is last (French order).
 * Two-digit years are refused (a birth in 1920 or 2020?), as are compact `ddmmyyyy` forms (ambiguous) and
 * spreadsheet serial numbers (the source reader converts those). Checked against the real calendar,
 * years 1870 to 2100.
 */
export function normalizeDate(raw: string): Normalized<string> {
  return normalizeDateField(raw, 'date');
}

/** @internal `normalizeDate` with reasons naming the field `label` (e.g. `"birthDate" is empty`). */
export function normalizeDateField(raw: string, label: string): Normalized<string> {
  const r = scanDate(raw);
  return typeof r === 'string' ? accept(r) : reject(reason(label, r));
}

/** The ISO date, or why not. */
function scanDate(raw: string): string | Failure {
  let i = 0;
  let end = raw.length;
  while (i < end && isSpace(raw.charCodeAt(i))) i++;
  while (end > i && isSpace(raw.charCodeAt(end - 1))) end--;
  if (i === end) return EMPTY;

  // Three runs of digits (a, b, c) separated twice by the same separator.
  let a = 0;
  let b = 0;
  let c = 0;
  let aLen = 0;
  let bLen = 0;
  let cLen = 0;
  let separator = -1;
  for (let part = 0; part < 3; part++) {
    let v = 0;
    let n = 0;
    for (; i < end; i++) {
      const d = raw.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      if (++n > 4) return FORMAT;
      v = v * 10 + d;
    }
    if (n === 0) return FORMAT;
    if (part === 0) {
      a = v;
      aLen = n;
    } else if (part === 1) {
      b = v;
      bLen = n;
    } else {
      c = v;
      cLen = n;
      break;
    }
    const sep = i < end ? raw.charCodeAt(i) : -1;
    if (!isDateSeparator(sep) || (separator >= 0 && sep !== separator)) return FORMAT;
    separator = sep;
    i++;
  }
  if (i < end && !isTimeSuffix(raw, i, end)) return FORMAT;

  let year: number;
  let day: number;
  const month = b;
  if (bLen > 2) return FORMAT;
  if (aLen === 4 && cLen <= 2) {
    year = a;
    day = c;
  } else if (aLen <= 2 && cLen === 4) {
    day = a;
    year = c;
  } else {
    return FORMAT;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return CALENDAR;
  if (year < MIN_YEAR || year > MAX_YEAR) return YEAR;
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}
