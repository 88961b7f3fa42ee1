// Turns SpreadsheetML cell values into the strings a CSV export of the same sheet would hold:
// numbers in their shortest exact form, date serials as dd/mm/yyyy, `_xHHHH_` escapes decoded.
// ECMA-376 Part 1, §18.3.1.4 (c), §18.8.30-31 (numFmt), §22.9.2.19 (ST_Xstring escapes).

/** How a number format displays a number: as itself, a date, a time of day, both, or a duration ([h]:mm). */
export const NUMBER_KINDS = { plain: 0, date: 1, time: 2, dateTime: 3, duration: 4 } as const;
export type NumberKind = (typeof NUMBER_KINDS)[keyof typeof NUMBER_KINDS];

/**
 * Built-in number formats (ECMA-376 §18.8.30) that show dates or times: 14-17 dates, 18-21 times,
 * 22 date and time, 45-47 minutes and seconds; 27-36 and 50-58 are dates in East Asian locales.
 */
export function builtinNumberKind(id: number): NumberKind {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) return NUMBER_KINDS.date;
  if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47)) return NUMBER_KINDS.time;
  if (id === 22) return NUMBER_KINDS.dateTime;
  return NUMBER_KINDS.plain;
}

/**
 * Classifies a custom format code: its first section, without quoted text, escaped characters,
 * [colour]/[$locale] blocks, padding and AM/PM markers, is a date if it holds d or y (or m without
 * h or s: "mmm"), a duration if it holds an elapsed [h]/[mm]/[ss], a time if it holds h or s.
 */
export function customNumberKind(code: string): NumberKind {
  const section = (code.split(';')[0] ?? '').toLowerCase();
  const elapsed = /\[(h+|m+|s+)\]/.test(section);
  const bare = section
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/[_*]./g, '')
    .replace(/am\/pm|a\/p/g, '');
  const hasTime = elapsed || /[hs]/.test(bare);
  const hasDate = /[dy]/.test(bare) || (/m/.test(bare) && !hasTime);
  if (hasDate && hasTime) return NUMBER_KINDS.dateTime;
  if (hasDate) return NUMBER_KINDS.date;
  if (elapsed) return NUMBER_KINDS.duration;
  if (hasTime) return NUMBER_KINDS.time;
  return NUMBER_KINDS.plain;
}

const SECONDS_PER_DAY = 86_400;
/** Serial of 31/12/9999, the last date Excel displays. */
const MAX_SERIAL = 2_958_465;
const DAY_MS = SECONDS_PER_DAY * 1000;
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/**
 * A cell's stored number (its <v> text) as a string: a date serial under a date or time format is
 * written dd/mm/yyyy (plus hh:mm:ss when the time is not midnight), hh:mm:ss, or a duration as
 * hours:mm:ss; any other number in
 * its shortest form. A run of digits is returned as stored, so that a NIR stored as a number keeps
 * every digit ('2550814168025', never '2.55e12').
 */
export function formatNumberCell(stored: string, kind: NumberKind, date1904: boolean): string {
  if (kind !== NUMBER_KINDS.plain) {
    const serial = Number(stored);
    const formatted = Number.isFinite(serial) ? formatSerial(serial, kind, date1904) : null;
    if (formatted !== null) return formatted;
  }
  return shortestNumber(stored);
}

export function shortestNumber(stored: string): string {
  if (/^-?[0-9]+$/.test(stored)) return stored;
  const n = Number(stored);
  if (!Number.isFinite(n) || stored.trim() === '') return stored;
  // Beyond 1e21 (and 1e-7) JavaScript writes an exponent, as Excel's General format does; the
  // digits past the 17th would be noise anyway.
  return String(n);
}

/**
 * A date serial as text. 1900 system: day 1 is 01/01/1900 and day 60 the 29/02/1900 that never
 * was (Lotus 1-2-3's leap-year bug, kept by Excel), so serials from 61 count from 30/12/1899;
 * day 0 shows as 00/01/1900. 1904 system: day 0 is 01/01/1904. Null for what Excel shows as ####.
 */
export function formatSerial(serial: number, kind: NumberKind, date1904: boolean): string | null {
  if (serial < 0 || serial > MAX_SERIAL + 1) return null;
  const totalSeconds = Math.round(serial * SECONDS_PER_DAY);
  const days = Math.floor(totalSeconds / SECONDS_PER_DAY);
  const seconds = totalSeconds - days * SECONDS_PER_DAY;
  const time = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  if (kind === NUMBER_KINDS.time) return time;
  if (kind === NUMBER_KINDS.duration) {
    return `${pad2(Math.floor(totalSeconds / 3600))}:${pad2(Math.floor(totalSeconds / 60) % 60)}:${pad2(totalSeconds % 60)}`;
  }
  let date: string;
  if (date1904) date = fromUtc(EPOCH_1904 + days * DAY_MS);
  else if (days === 0) date = '00/01/1900';
  else if (days === 60) date = '29/02/1900';
  else date = fromUtc(EPOCH_1900 + (days < 60 ? days + 1 : days) * DAY_MS);
  return seconds === 0 ? date : `${date} ${time}`;
}

function fromUtc(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getUTCDate())}/${pad2(d.getUTCMonth() + 1)}/${String(d.getUTCFullYear()).padStart(4, '0')}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A `t="d"` cell (ISO 8601 text, strict OOXML) as dd/mm/yyyy [hh:mm:ss]; other text unchanged. */
export function formatIsoDateCell(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text);
  if (m === null) return text;
  const date = `${m[3]}/${m[2]}/${m[1]}`;
  const time = `${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}`;
  return time === '00:00:00' ? date : `${date} ${time}`;
}

/** Decodes ST_Xstring escapes: `_x000D_` is a carriage return, `_x005F_` an underscore. */
export function decodeXString(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Largest column index of a sheet (XFD): a reference beyond it is malformed. */
export const MAX_COLUMN = 16_383;

/** 0-based column of a cell reference ("C5" -> 2, "AA1" -> 26), or -1 if it has no letters. */
export function columnIndex(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20; // lower-case
    if (c < 97 || c > 122) break;
    col = col * 26 + (c - 96);
    if (col > MAX_COLUMN + 1) return MAX_COLUMN + 1;
  }
  return i === 0 ? -1 : col - 1;
}
