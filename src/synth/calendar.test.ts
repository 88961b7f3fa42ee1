// Day arithmetic of the synthetic leak, checked against the platform's Date over two centuries.

import { describe, expect, it } from 'vitest';
import { dayOf, FIRST_SAMPLE_DAY, LAST_SAMPLE_DAY, sampleDay, sampleDayFrom, ymdOf } from './calendar.js';
import { createRandom } from './random.js';

describe('ymdOf', () => {
  it('agrees with Date for every day from 1900 to 2100', () => {
    for (let day = dayOf(1900, 1, 1); day <= dayOf(2100, 12, 31); day++) {
      const date = new Date(day * 86_400_000);
      const ymd = ymdOf(day);
      if (ymd.year !== date.getUTCFullYear() || ymd.month !== date.getUTCMonth() + 1 || ymd.day !== date.getUTCDate()) {
        expect({ day, ymd }).toEqual({ day, ymd: { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() } });
      }
    }
    expect(ymdOf(dayOf(2000, 2, 29))).toEqual({ year: 2000, month: 2, day: 29 });
  });
});

describe('sampleDay', () => {
  it('stays between January 2015 and October 2020, mostly in 2018–19', () => {
    const random = createRandom('days');
    let recent = 0;
    for (let i = 0; i < 20_000; i++) {
      const day = sampleDay(random);
      expect(day >= FIRST_SAMPLE_DAY && day <= LAST_SAMPLE_DAY).toBe(true);
      const { year } = ymdOf(day);
      if (year === 2018 || year === 2019) recent++;
    }
    expect(recent / 20_000).toBeGreaterThan(0.6);
  });

  it('never gives a day before the lower bound', () => {
    const random = createRandom('from');
    const notBefore = dayOf(2020, 10, 20);
    for (let i = 0; i < 1000; i++) expect(sampleDayFrom(random, notBefore)).toBeGreaterThanOrEqual(notBefore);
  });
});
