// Cell value formatting: numbers, date serials (1900 and 1904 systems), number formats, references.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NUMBER_KINDS,
  builtinNumberKind,
  columnIndex,
  customNumberKind,
  decodeXString,
  formatIsoDateCell,
  formatNumberCell,
  formatSerial,
  shortestNumber,
} from './xlsx-cells.js';

describe('numbers', () => {
  it.each([
    ['2550814168025', '2550814168025'],
    ['255081416802538', '255081416802538'],
    ['12345678901234567890', '12345678901234567890'],
    ['2.550814168025E+12', '2550814168025'],
    ['0.10000000000000001', '0.1'],
    ['12.5', '12.5'],
    ['-3', '-3'],
    ['1E+21', '1e+21'],
    ['abc', 'abc'],
  ])('%s -> %s', (stored, expected) => {
    expect(shortestNumber(stored)).toBe(expected);
  });

  it('round-trips every double through its shortest form', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(Number(shortestNumber(String(n)))).toBe(n === 0 ? 0 : n);
      }),
    );
  });
});

describe('dates (1900 and 1904 systems)', () => {
  it.each([
    [1, '01/01/1900'],
    [59, '28/02/1900'],
    [60, '29/02/1900'],
    [61, '01/03/1900'],
    [0, '00/01/1900'],
    [33068, '14/07/1990'],
    [43831, '01/01/2020'],
    [43831.25, '01/01/2020 06:00:00'],
    [43831.999999999, '02/01/2020'],
    [2958465, '31/12/9999'],
  ])('1900: %s -> %s', (serial, expected) => {
    expect(formatSerial(serial, NUMBER_KINDS.date, false)).toBe(expected);
  });

  it('1904: day 0 is 01/01/1904', () => {
    expect(formatSerial(0, NUMBER_KINDS.date, true)).toBe('01/01/1904');
    expect(formatSerial(31606, NUMBER_KINDS.date, true)).toBe('14/07/1990');
  });

  it('agrees with the calendar from 01/03/1900 on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 61, max: 2958465 }), (serial) => {
        const d = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
        const expected = `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
        expect(formatSerial(serial, NUMBER_KINDS.date, false)).toBe(expected);
      }),
    );
  });

  it('writes times and durations, and leaves what Excel shows as #### to the number', () => {
    expect(formatSerial(0.5, NUMBER_KINDS.time, false)).toBe('12:00:00');
    expect(formatSerial(1.75, NUMBER_KINDS.duration, false)).toBe('42:00:00');
    expect(formatSerial(-1, NUMBER_KINDS.date, false)).toBeNull();
    expect(formatNumberCell('-1', NUMBER_KINDS.date, false)).toBe('-1');
    expect(formatNumberCell('33068', NUMBER_KINDS.plain, false)).toBe('33068');
  });

  it('reads ISO dates of t="d" cells', () => {
    expect(formatIsoDateCell('1990-07-14T00:00:00Z')).toBe('14/07/1990');
    expect(formatIsoDateCell('1990-07-14T08:30:00')).toBe('14/07/1990 08:30:00');
    expect(formatIsoDateCell('not a date')).toBe('not a date');
  });
});

describe('number formats', () => {
  it.each([
    [0, NUMBER_KINDS.plain],
    [14, NUMBER_KINDS.date],
    [17, NUMBER_KINDS.date],
    [18, NUMBER_KINDS.time],
    [22, NUMBER_KINDS.dateTime],
    [49, NUMBER_KINDS.plain],
  ])('built-in %s', (id, kind) => {
    expect(builtinNumberKind(id)).toBe(kind);
  });

  it.each([
    ['dd/mm/yyyy', NUMBER_KINDS.date],
    ['[$-40C]dddd d mmmm yyyy', NUMBER_KINDS.date],
    ['mmm-yy', NUMBER_KINDS.date],
    ['mmmm', NUMBER_KINDS.date],
    ['dd/mm/yyyy hh:mm', NUMBER_KINDS.dateTime],
    ['h:mm AM/PM', NUMBER_KINDS.time],
    ['mm:ss', NUMBER_KINDS.time],
    ['[h]:mm:ss', NUMBER_KINDS.duration],
    ['General', NUMBER_KINDS.plain],
    ['0.00" days"', NUMBER_KINDS.plain],
    ['#,##0.00\\ "€";[Red]-#,##0.00', NUMBER_KINDS.plain],
    ['0.00E+00', NUMBER_KINDS.plain],
    ['@', NUMBER_KINDS.plain],
    ['_-* #,##0_-', NUMBER_KINDS.plain],
  ])('custom %j', (code, kind) => {
    expect(customNumberKind(code)).toBe(kind);
  });
});

describe('cell references and escapes', () => {
  it.each([
    ['A1', 0],
    ['c5', 2],
    ['Z9', 25],
    ['AA10', 26],
    ['XFD1048576', 16383],
    ['ZZZZ1', 16384],
    ['12', -1],
  ])('%s -> %s', (ref, col) => {
    expect(columnIndex(ref)).toBe(col);
  });

  it('decodes _xHHHH_ escapes, _x005F_ escaping an underscore', () => {
    expect(decodeXString('a_x000D__x000A_b _x005F_x0041_ c_x')).toBe('a\r\nb _x0041_ c_x');
  });
});
