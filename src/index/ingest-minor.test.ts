// Minors in the statistics (DATA.md: the regulator's dossier counts them): a person is a minor on a date when their
// 18th birthday comes after it. The ingest compares ISO dates as strings against a cutoff; this checks the cutoff
// against the calendar rule on every kind of date, 29 February included.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adultCutoff } from './ingest.js';

/** The calendar rule: the 18th birthday (29 February → 1 March in a common year) is after `asOf`. */
function minorByCalendar(birthDate: string, asOf: Date): boolean {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  return Date.UTC(y + 18, m - 1, d) > asOf.getTime();
}

const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);

describe('minors', () => {
  it('the string cutoff agrees with the calendar rule', () => {
    const day = 86_400_000;
    const dates = fc.integer({ min: Date.UTC(1900, 0, 1) / day, max: Date.UTC(2030, 0, 1) / day }).map((n) => n * day);
    fc.assert(
      fc.property(dates, dates, fc.integer({ min: 0, max: day - 1 }), (birth, asOfDay, time) => {
        const asOf = new Date(asOfDay + time);
        const birthDate = iso(birth);
        expect(birthDate > adultCutoff(asOf)).toBe(minorByCalendar(birthDate, asOf));
      }),
      { numRuns: 5000 },
    );
  });

  it('around a birthday, and for a person born on 29 February', () => {
    const at = (s: string): Date => new Date(`${s}T00:00:00Z`);
    expect('2006-06-01' > adultCutoff(at('2024-06-01'))).toBe(false); // 18 that day
    expect('2006-06-02' > adultCutoff(at('2024-06-01'))).toBe(true);
    expect('2004-02-29' > adultCutoff(at('2022-02-28'))).toBe(true); // of age on 1 March 2022
    expect('2004-02-29' > adultCutoff(at('2022-03-01'))).toBe(false);
    expect('2006-02-28' > adultCutoff(at('2024-02-29'))).toBe(false);
    expect('2006-03-01' > adultCutoff(at('2024-02-29'))).toBe(true);
  });
});
