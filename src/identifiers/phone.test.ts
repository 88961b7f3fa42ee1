import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizePhone, normalizePhoneReference } from './phone.js';

describe('normalizePhone', () => {
  it.each([
    // Every French spelling of DATA.md §3.
    '06 12 34 56 78',
    '06.12.34.56.78',
    '06-12-34-56-78',
    '0612345678',
    '+33 6 12 34 56 78',
    '+33 (0)6 12 34 56 78',
    '0033 6 12 34 56 78',
    '33612345678',
    // And a few more met in files.
    '612345678', // a spreadsheet dropped the leading 0
    '+33612345678',
    '+330612345678',
    '0033 (0)6 12 34 56 78',
    '06/12/34/56/78',
    '06 1234 5678',
    '  06 12 34 56 78  ',
    '06\u00a012\u00a034\u00a056\u00a078',
    '(06) 12 34 56 78', // reference path
    'Tel: 06 12 34 56 78', // reference path
  ])('reads %j as +33612345678', (raw) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, value: '+33612345678' });
  });

  it.each([
    // Overseas written nationally: mapped to their own region (DATA.md §3).
    ['0690 12 34 56', '+590690123456'], // Guadeloupe mobile
    ['0590 99 12 34', '+590590991234'], // Guadeloupe fixed
    ['0696 20 12 34', '+596696201234'], // Martinique
    ['0596 61 12 34', '+596596611234'],
    ['0694 20 12 34', '+594694201234'], // Guyane
    ['0594 21 12 34', '+594594211234'],
    ['0692 12 34 56', '+262692123456'], // Réunion
    ['0693 01 23 45', '+262693012345'],
    ['0262 12 34 56', '+262262123456'],
    ['0639 01 23 45', '+262639012345'], // Mayotte
    ['0269 60 12 34', '+262269601234'],
    ['0691 22 12 34', '+590691221234'], // Guadeloupe mobile range beyond DATA.md's table
    ['0697 12 34 56', '+596697123456'], // Martinique idem
    // The same numbers written with +33, 0033, or a bare 33 meet the national form.
    ['+33 6 90 12 34 56', '+590690123456'],
    ['0033 690 12 34 56', '+590690123456'],
    ['33690123456', '+590690123456'],
    ['690123456', '+590690123456'],
    ['+33 (0)2 62 12 34 56', '+262262123456'],
    // Or their own country code.
    ['+590 690 12 34 56', '+590690123456'],
    ['+262 639 01 23 45', '+262639012345'],
    ['00262 262 12 34 56', '+262262123456'],
    // Other French ranges.
    ['01 23 45 67 89', '+33123456789'],
    ['09 70 12 34 56', '+33970123456'],
    ['0800 12 34 56', '+33800123456'],
    ['07 81 23 45 67', '+33781234567'],
    // Foreign numbers with + or 00.
    ['+44 20 7946 0958', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'],
    ['+1 415 555 2671', '+14155552671'],
    ['+32 470 12 34 56', '+32470123456'],
  ])('reads %j as %s', (raw, value) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['empty', '', 'empty'],
    ['blank', '   ', 'empty'],
    ['too short', '06 12 34 56 7', 'not a valid number'],
    ['too long', '06 12 34 56 789', 'not a valid number'],
    ['an unallocated French range', '07 12 34 56 78', 'not a valid number'],
    ['an unallocated overseas range', '0639 80 00 00', 'not a valid number'],
    ['zeros', '00 00 00 00 00', 'not'],
    ['letters', 'inconnu', 'not a phone number'],
    ['two numbers run together', '06 12 34 56 78 / 07 11 22 33 44', 'not a phone number'],
  ])('rejects %s', (_case, raw, reason) => {
    const result = normalizePhone(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('is idempotent: an E.164 value normalizes to itself', () => {
    fc.assert(
      fc.property(frenchNumber, fc.string({ unit: 'grapheme-ascii' }), (nsn, text) => {
        for (const raw of [`0${nsn}`, text]) {
          const once = normalizePhone(raw);
          if (once.ok) expect(normalizePhone(once.value)).toEqual(once);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same value for every spelling of a French number', () => {
    fc.assert(
      fc.property(frenchNumber.chain((nsn) => fc.tuple(fc.constant(nsn), spelledFrench(nsn))), ([nsn, raw]) => {
        expect(normalizePhone(raw)).toEqual(normalizePhone(`0${nsn}`));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives an overseas number the same value written nationally or with its country code', () => {
    const overseas = fc
      .constantFrom(['590', '690'], ['596', '696'], ['594', '694'], ['262', '692'], ['262', '262'], ['262', '639'], ['262', '269'])
      .chain(([cc, prefix]) => fc.tuple(fc.constant(cc!), fc.integer({ min: 0, max: 999_999 }).map((n) => prefix! + String(n).padStart(6, '0'))));
    fc.assert(
      fc.property(overseas, ([cc, nsn]) => {
        const national = normalizePhone(`0${nsn}`);
        if (national.ok) expect(normalizePhone(`+${cc} ${nsn}`)).toEqual(national);
      }),
      { numRuns: 3000 },
    );
  });
});

// ---- The fast path must answer exactly as libphonenumber does --------------------------------------

/** A 9-digit national significant number, biased to real French and overseas ranges but any 1-9 start. */
const frenchNumber = fc.oneof(
  fc.integer({ min: 100_000_000, max: 999_999_999 }).map(String),
  fc
    .tuple(fc.constantFrom('6', '7', '1', '2', '9', '8', '690', '691', '696', '697', '694', '692', '693', '639', '590', '596', '594', '262', '269', '836'), fc.nat())
    .map(([prefix, n]) => prefix + String(n % 10 ** (9 - prefix.length)).padStart(9 - prefix.length, '0')),
);

const SEPARATORS = ['', '', ' ', '.', '-', '/', '\u00a0', '  '];

/** One of the written forms of DATA.md §3 (and a few more), with random separators. */
function spelledFrench(nsn: string): fc.Arbitrary<string> {
  return fc
    .record({
      form: fc.constantFrom('0', '+33', '+33 (0)', '0033', '0033 (0)', '33', '330', '+330', '', '+ 33 ', '33 (0)'),
      separators: fc.array(fc.constantFrom(...SEPARATORS), { minLength: 12, maxLength: 12 }),
      before: fc.constantFrom('', ' ', '  '),
      after: fc.constantFrom('', ' ', '.'),
    })
    .map(({ form, separators, before, after }) => {
      let s = '';
      for (let i = 0; i < nsn.length; i++) s += (i > 0 ? separators[i]! : '') + nsn[i]!;
      return before + form + separators[0] + s + after;
    });
}

describe('normalizePhone fast path', () => {
  it('agrees with the libphonenumber path on random French numbers in every spelling', () => {
    fc.assert(
      fc.property(frenchNumber.chain(spelledFrench), (raw) => {
        expect(normalizePhone(raw)).toEqual(normalizePhoneReference(raw));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with the libphonenumber path on phone-like noise', () => {
    const noise = fc.string({ unit: fc.constantFrom('0', '3', '6', '9', '1', '+', '(', ')', ' ', '.', '-', '/', '0', '3'), maxLength: 20 });
    fc.assert(
      fc.property(noise, (raw) => {
        expect(normalizePhone(raw)).toEqual(normalizePhoneReference(raw));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with the libphonenumber path on every 5-digit prefix (the grain of its validity cache)', () => {
    const disagreements: string[] = [];
    let seed = 12345;
    for (let prefix = 10_000; prefix <= 99_999; prefix++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31; // a different suffix for each prefix, reproducible
      const raw = `0${prefix}${String(seed % 10_000).padStart(4, '0')}`;
      const fast = normalizePhone(raw);
      const reference = normalizePhoneReference(raw);
      if (JSON.stringify(fast) !== JSON.stringify(reference)) disagreements.push(raw);
    }
    expect(disagreements).toEqual([]);
  });
});
