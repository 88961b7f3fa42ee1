import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeDate } from './date.js';

describe('normalizeDate', () => {
  it.each([
    ['14/07/1990', '1990-07-14'],
    ['1990-07-14', '1990-07-14'],
    ['14-07-1990', '1990-07-14'],
    ['14.07.1990', '1990-07-14'],
    ['14 07 1990', '1990-07-14'],
    ['1990/07/14', '1990-07-14'],
    ['  14/07/1990 ', '1990-07-14'],
    ['1/2/1990', '1990-02-01'],
    ['01/2/1990', '1990-02-01'],
    ['1990-7-4', '1990-07-04'],
    // Spreadsheet time suffixes, ignored.
    ['1990-07-14 00:00:00', '1990-07-14'],
    ['1990-07-14T00:00:00', '1990-07-14'],
    ['1990-07-14T00:00:00.000Z', '1990-07-14'],
    ['1990-07-14T12:30:00+02:00', '1990-07-14'],
    ['14/07/1990 00:00', '1990-07-14'],
    ['14/07/1990  00:00:00 ', '1990-07-14'],
    // Calendar edges.
    ['29/02/2000', '2000-02-29'],
    ['29/02/1996', '1996-02-29'],
    ['31/12/1999', '1999-12-31'],
    ['01/01/1870', '1870-01-01'],
    ['31/12/2100', '2100-12-31'],
  ])('reads %j as %s', (raw, value) => {
    expect(normalizeDate(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['empty', '', 'is empty'],
    ['blank', '  ', 'is empty'],
    ['31 February', '31/02/1990', 'not a real calendar date'],
    ['29 February of a non-leap century', '29/02/1900', 'not a real calendar date'],
    ['29 February of a common year', '29/02/2019', 'not a real calendar date'],
    ['31 April', '31/04/1990', 'not a real calendar date'],
    ['day 0', '00/01/1990', 'not a real calendar date'],
    ['day 32', '32/01/1990', 'not a real calendar date'],
    ['month 13', '14/13/1990', 'not a real calendar date'],
    ['month 0', '1990-00-14', 'not a real calendar date'],
    ['a two-digit year', '14/07/90', 'unrecognized format'],
    ['a compact date', '14071990', 'unrecognized format'],
    ['a spreadsheet serial number', '33068', 'unrecognized format'],
    ['a month and year only', '1990-07', 'unrecognized format'],
    ['mixed separators', '14/07-1990', 'unrecognized format'],
    ['month-first with a 3-digit part', '14/007/1990', 'unrecognized format'],
    ['year in the middle', '14/1990/07', 'unrecognized format'],
    ['text after the date', '14/07/1990 environ', 'unrecognized format'],
    ['a word', 'hier', 'unrecognized format'],
    ['a 5-digit year', '14/07/19900', 'unrecognized format'],
    ['before 1870', '31/12/1869', 'year outside 1870 to 2100'],
    ['after 2100', '2101-01-01', 'year outside 1870 to 2100'],
  ])('rejects %s', (_case, raw, reason) => {
    const result = normalizeDate(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  const isoDate = fc
    .date({ min: new Date('1870-01-01T00:00:00Z'), max: new Date('2100-12-31T23:59:59Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(isoDate, fc.string({ unit: fc.constantFrom('0', '1', '2', '9', '/', '-', '.', ' ', 'T', ':') })), (raw) => {
        const once = normalizeDate(raw);
        if (once.ok) expect(normalizeDate(once.value)).toEqual(once);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same ISO date for every spelling of a date', () => {
    const spelling = isoDate.chain((iso) =>
      fc.tuple(
        fc.constant(iso),
        fc.record({
          yearFirst: fc.boolean(),
          separator: fc.constantFrom('/', '-', '.', ' '),
          padDay: fc.boolean(),
          padMonth: fc.boolean(),
          suffix: fc.constantFrom('', ' 00:00:00', 'T00:00:00', 'T00:00:00.000Z', ' 12:30'),
          before: fc.constantFrom('', ' '),
          after: fc.constantFrom('', ' ', '  '),
        }),
      ),
    );
    fc.assert(
      fc.property(spelling, ([iso, { yearFirst, separator, padDay, padMonth, suffix, before, after }]) => {
        const [y, m, d] = iso.split('-') as [string, string, string];
        const day = padDay ? d : String(Number(d));
        const month = padMonth ? m : String(Number(m));
        const written = yearFirst ? [y, month, day].join(separator) : [day, month, y].join(separator);
        const raw = before + written + suffix + after;
        expect(normalizeDate(raw)).toEqual({ ok: true, value: iso });
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts a day/month/year triple exactly when it is a calendar date of 1870..2100', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 1860, max: 2110 }), (d, m, y) => {
        const t = new Date(Date.UTC(y, m - 1, d));
        const real = m >= 1 && m <= 12 && d >= 1 && t.getUTCDate() === d && t.getUTCMonth() === m - 1 && y >= 1870 && y <= 2100;
        expect(normalizeDate(`${d}/${m}/${y}`).ok).toBe(real);
      }),
      { numRuns: 5000 },
    );
  });
});
