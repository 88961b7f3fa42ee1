// Reasons go into reject reports and answers: they describe, they never echo the input (STYLE "Errors").

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalizeQuery, normalizeDate, normalizeEmail, normalizeName, normalizeNir, normalizePhone, personValue, type Normalized } from './index.js';

/** Long enough pieces of `raw` that finding one in a reason can only mean it was copied there. */
function pieces(raw: string): string[] {
  const compact = raw.replace(/[\s.\-/]/g, '');
  const found = new Set<string>([raw, raw.trim(), compact].filter((s) => s.length >= 6));
  for (let i = 0; i + 6 <= compact.length; i++) found.add(compact.slice(i, i + 6));
  return [...found];
}

function expectNoEcho(raw: string, reason: string): void {
  for (const piece of pieces(raw)) expect(reason.toUpperCase()).not.toContain(piece.toUpperCase());
}

function check(result: Normalized<unknown>, raw: string): void {
  if (!result.ok) expectNoEcho(raw, result.reason);
}

/** Inputs near real identifiers, so that they fail at every stage of validation, not only at the first character. */
const nirLike = fc.string({ unit: fc.constantFrom(...'0123456789AB2ab .-'), minLength: 6, maxLength: 24 });
const phoneLike = fc.string({ unit: fc.constantFrom(...'0123456789+() .-/'), minLength: 6, maxLength: 24 });
const emailLike = fc.string({ unit: fc.constantFrom(...'abcdXYZ09.@@ -_<>:é'), minLength: 6, maxLength: 30 });
const nameLike = fc.string({ unit: fc.constantFrom(...'abcdefghXYZéèçÆß\' -’.0123456789'), minLength: 6, maxLength: 30 });
const dateLike = fc.string({ unit: fc.constantFrom(...'0123456789/-. T:'), minLength: 6, maxLength: 24 });
const anything = fc.string({ unit: 'grapheme', minLength: 6, maxLength: 30 });

describe('rejection reasons', () => {
  it.each<[string, fc.Arbitrary<string>, (raw: string) => Normalized<unknown>]>([
    ['normalizeNir', fc.oneof(nirLike, anything), normalizeNir],
    ['normalizePhone', fc.oneof(phoneLike, anything), normalizePhone],
    ['normalizeEmail', fc.oneof(emailLike, anything), normalizeEmail],
    ['normalizeName', fc.oneof(nameLike, anything), normalizeName],
    ['normalizeDate', fc.oneof(dateLike, anything), normalizeDate],
  ])('%s never contains the input', (_name, arbitrary, normalize) => {
    let rejected = 0;
    fc.assert(
      fc.property(arbitrary, (raw) => {
        const result = normalize(raw);
        if (!result.ok) rejected++;
        check(result, raw);
      }),
      { numRuns: 3000 },
    );
    expect(rejected).toBeGreaterThan(500); // the property did exercise rejections
  });

  it('personValue and canonicalizeQuery never contain any of the inputs', () => {
    fc.assert(
      fc.property(nameLike, nameLike, dateLike, nirLike, phoneLike, emailLike, (last, first, date, nir, phone, email) => {
        const person = personValue(last, first, date);
        for (const raw of [last, first, date]) check(person, raw);
        const query = canonicalizeQuery({ nir, phone, email, lastName: last, firstName: first, birthDate: date });
        for (const error of query.errors) {
          for (const raw of [last, first, date, nir, phone, email]) expectNoEcho(raw, error.reason);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('the check itself catches an echo', () => {
    expect(() => expectNoEcho('2 55 08 14 168 025 98', '"nir" 2550814168025 is bad')).toThrow();
  });
});
