// Dates of the synthetic leak as whole days since 1970-01-01 (UTC), and the sampling window of the
// real files (DATA.md §1: 2015 to October 2020, mostly 2018–19).

import { weighted, type Random } from './random.js';

const MS_PER_DAY = 86_400_000;

export interface Ymd {
  readonly year: number;
  readonly month: number; // 1–12
  readonly day: number; // 1–31
}

export function dayOf(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/**
 * The proleptic Gregorian date of a day number, by arithmetic on 400-year eras counted from
 * 1 March 0000 (a year then ends with February, so the leap day is last). Several calls per row:
 * this is about five times faster than going through a Date object.
 */
export function ymdOf(day: number): Ymd {
  const z = day + 719_468; // days from 0000-03-01 to 1970-01-01
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097; // 0–146096
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100)); // 0–365, from 1 March
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March … 11 = February
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return {
    year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0),
    month,
    day: dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1,
  };
}

export const FIRST_SAMPLE_DAY = dayOf(2015, 1, 1);
export const LAST_SAMPLE_DAY = dayOf(2020, 10, 31);

/** Sampling years with their weight, first and last day. */
const SAMPLE_YEARS = weighted(
  ([[2015, 5], [2016, 7], [2017, 10], [2018, 33], [2019, 35], [2020, 10]] as const).map(
    ([year, weight]) => [{ start: dayOf(year, 1, 1), end: year === 2020 ? LAST_SAMPLE_DAY : dayOf(year, 12, 31) }, weight] as const,
  ),
);

/** A sampling day, weighted towards 2018–19. */
export function sampleDay(random: Random): number {
  const { start, end } = SAMPLE_YEARS.pick(random);
  return start + random.int(end - start + 1);
}

/** A sampling day on or after `notBefore` (a later visit of someone born recently). */
export function sampleDayFrom(random: Random, notBefore: number): number {
  for (let attempt = 0; attempt < 8; attempt++) {
    const day = sampleDay(random);
    if (day >= notBefore) return day;
  }
  const start = Math.max(notBefore, FIRST_SAMPLE_DAY);
  return start + random.int(Math.max(1, LAST_SAMPLE_DAY - start + 1));
}
