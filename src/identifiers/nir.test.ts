import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNir, nirKey, normalizeNir, type NirKeyStatus } from './nir.js';

/** Key computed independently of nir.ts, with BigInt (DATA.md §2). */
function referenceKey(body: string): number {
  const digits = body.replace('2A', '19').replace('2B', '18');
  return 97 - Number(BigInt(digits) % 97n);
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** A structurally valid 13-character body (DATA.md §2). */
const nirBody = fc
  .record({
    sex: fc.constantFrom('1', '2', '7', '8'),
    year: fc.integer({ min: 0, max: 99 }),
    month: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 20, max: 42 }), fc.integer({ min: 50, max: 99 })),
    place: fc.oneof(
      fc.integer({ min: 1, max: 95 }).map((d) => pad(d, 2)),
      fc.constantFrom('2A', '2B'),
      fc.integer({ min: 970, max: 989 }).map(String).map((s) => s.slice(0, 2)),
      fc.constant('99'),
    ),
    commune: fc.integer({ min: 0, max: 999 }),
    order: fc.integer({ min: 1, max: 999 }),
  })
  .map(({ sex, year, month, place, commune, order }) => `${sex}${pad(year, 2)}${pad(month, 2)}${place}${pad(commune, 3)}${pad(order, 3)}`);

/** The same characters written with random separators, case and surrounding spaces. */
function spelled(chars: string): fc.Arbitrary<string> {
  return fc
    .record({
      separators: fc.array(fc.constantFrom('', '', ' ', '.', '-', '\u00a0'), { minLength: chars.length, maxLength: chars.length }),
      lower: fc.boolean(),
      before: fc.constantFrom('', ' ', '  '),
      after: fc.constantFrom('', ' ', '\t'),
    })
    .map(({ separators, lower, before, after }) => {
      let s = before;
      for (let i = 0; i < chars.length; i++) s += (i > 0 ? separators[i]! : '') + chars[i]!;
      return (lower ? s.toLowerCase() : s) + after;
    });
}

describe('normalizeNir', () => {
  it.each<[string, string, NirKeyStatus]>([
    ['2 55 08 14 168 025 38', '2550814168025', 'valid'],
    ['255081416802538', '2550814168025', 'valid'],
    ['2.55.08.14.168.025.38', '2550814168025', 'valid'],
    ['2-55-08-14-168-025-38', '2550814168025', 'valid'],
    ['  2 55 08 14 168 025 38  ', '2550814168025', 'valid'],
    ['2\u00a055\u00a008\u00a014\u00a0168\u00a0025\u00a038', '2550814168025', 'valid'],
    ['2550814168025', '2550814168025', 'missing'],
    ['2 55 08 14 168 025', '2550814168025', 'missing'],
    ['2 55 08 14 168 025 39', '2550814168025', 'wrong'],
    ['2 55 08 14 168 025 01', '2550814168025', 'wrong'],
    ['2 55 08 14 168 025 98', '2550814168025', 'wrong'],
    ['2 55 08 14 168 025 99', '2550814168025', 'wrong'],
    ['2 55 08 14 168 025 00', '2550814168025', 'wrong'],
    // Corsica: 2A/2B, any case; keys computed with 2A -> 19, 2B -> 18.
    ['1 85 05 2A 004 123 56', '185052A004123', 'valid'],
    ['1 85 05 2a 004 123 56', '185052A004123', 'valid'],
    ['2 78 11 2B 050 002 86', '278112B050002', 'valid'],
    ['278112b05000286', '278112B050002', 'valid'],
    ['2 78 11 2B 050 002', '278112B050002', 'missing'],
    // Corsica before 1976: department 20 is accepted too.
    ['1 60 05 20 004 123', '1600520004123', 'missing'],
    // Overseas 97x/98x, abroad 99, provisional numbers (NIA, sex 7/8), fictitious months.
    ['1 80 01 971 23 456', '1800197123456', 'missing'],
    ['1 80 01 988 23 456', '1800198823456', 'missing'],
    ['2 75 03 99 135 012', '2750399135012', 'missing'],
    ['7 90 02 75 056 001', '7900275056001', 'missing'],
    ['8 90 02 75 056 001', '8900275056001', 'missing'],
    ['1 90 20 75 056 001', '1902075056001', 'missing'],
    ['1 90 31 75 056 001', '1903175056001', 'missing'],
    ['1 90 42 75 056 001', '1904275056001', 'missing'],
    ['1 90 50 75 056 001', '1905075056001', 'missing'],
    ['1 90 99 75 056 001', '1909975056001', 'missing'],
  ])('accepts %j', (raw, body, keyStatus) => {
    expect(normalizeNir(raw)).toEqual({ ok: true, value: { body, keyStatus } });
  });

  it.each<[string, string, string]>([
    ['sex 3', '3 55 08 14 168 025', 'invalid sex digit'],
    ['sex 0', '0 55 08 14 168 025', 'invalid sex digit'],
    ['a letter in the year', '2 5X 08 14 168 025', 'invalid year'],
    ['month 13', '2 55 13 14 168 025', 'invalid month'],
    ['month 00', '2 55 00 14 168 025', 'invalid month'],
    ['month 19', '2 55 19 14 168 025', 'invalid month'],
    ['month 43', '2 55 43 14 168 025', 'invalid month'],
    ['month 49', '2 55 49 14 168 025', 'invalid month'],
    ['a letter in the month', '2 55 0A 14 168 025', 'invalid month'],
    ['department 2C', '2 55 08 2C 168 025', 'invalid department'],
    ['department 3A', '2 55 08 3A 168 025', 'invalid department'],
    ['department 00', '2 55 08 00 168 025', 'invalid department'],
    ['department 96', '2 55 08 96 168 025', 'invalid department'],
    ['letters as department', '2 55 08 AB 168 025', 'invalid department'],
    ['a letter in the commune', '2 55 08 14 16A 025', 'invalid commune'],
    ['order 000', '2 55 08 14 168 000', 'invalid order number'],
    ['a letter in the order', '2 55 08 14 168 0B5', 'invalid order number'],
    ['a letter in the key', '2 55 08 14 168 025 3A', 'invalid key'],
    ['12 characters', '2 55 08 14 168 02', 'got 12'],
    ['14 characters', '2 55 08 14 168 025 3', 'got 14'],
    ['16 characters', '2 55 08 14 168 025 381', 'got 16'],
    ['a very long input', '2'.repeat(40), 'got 40'],
    ['empty', '', 'empty'],
    ['only separators', ' - . ', 'empty'],
    ['a masked NIR', '2 55 08 ** *** *** 38', 'invalid department'],
  ])('rejects %s', (_case, raw, reason) => {
    const result = normalizeNir(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('normalizing a body again gives the same body (idempotence)', () => {
    fc.assert(
      fc.property(nirBody, (body) => {
        expect(normalizeNir(body)).toEqual({ ok: true, value: { body, keyStatus: 'missing' } });
      }),
    );
  });

  it('gives the same body for every spelling of a valid NIR, with or without its key', () => {
    const spelling = nirBody.chain((body) =>
      fc.tuple(fc.constant(body), fc.boolean()).chain(([b, withKey]) => {
        const chars = withKey ? b + String(referenceKey(b)).padStart(2, '0') : b;
        return fc.tuple(fc.constant(b), fc.constant<NirKeyStatus>(withKey ? 'valid' : 'missing'), spelled(chars));
      }),
    );
    fc.assert(
      fc.property(spelling, ([body, keyStatus, raw]) => {
        expect(normalizeNir(raw)).toEqual({ ok: true, value: { body, keyStatus } });
      }),
    );
  });

  it('keeps the body of a NIR whose key is wrong, and says so', () => {
    fc.assert(
      fc.property(nirBody, fc.integer({ min: 1, max: 96 }), (body, shift) => {
        const wrong = ((referenceKey(body) - 1 + shift) % 97) + 1; // 1..97, never the right key
        expect(normalizeNir(body + pad(wrong, 2))).toEqual({ ok: true, value: { body, keyStatus: 'wrong' } });
      }),
    );
  });

  it('notices any single mistyped digit through the key', () => {
    fc.assert(
      fc.property(nirBody, fc.nat(), fc.integer({ min: 1, max: 9 }), (body, at, delta) => {
        const full = body + pad(referenceKey(body), 2);
        const i = at % full.length;
        const c = full.charCodeAt(i);
        if (c < 48 || c > 57) return; // the A/B of Corsica
        const typo = full.slice(0, i) + String(((c - 48 + delta) % 10)) + full.slice(i + 1);
        const result = normalizeNir(typo);
        // Either the structure is now invalid, or the key no longer matches: never a silent 'valid'.
        expect(result.ok && result.value.keyStatus === 'valid').toBe(false);
      }),
    );
  });
});

describe('nirKey', () => {
  it.each([
    ['2550814168025', 38],
    ['185052A004123', 56], // 2A read as 19
    ['278112B050002', 86], // 2B read as 18
    ['1851020004123', 12],
  ])('key of %s is %i', (body, key) => {
    expect(nirKey(body)).toBe(key);
  });

  it('agrees with 97 - (n mod 97) computed with BigInt, and the key is 01..97', () => {
    fc.assert(
      fc.property(nirBody, (body) => {
        const key = nirKey(body);
        expect(key).toBe(referenceKey(body));
        expect(key).toBeGreaterThanOrEqual(1);
        expect(key).toBeLessThanOrEqual(97);
      }),
    );
  });

  it.each(['255081416802', '25508141680253', '2550814168000', '2 55 08 14 168 025', '185052a004123'])('throws a RangeError for %j', (body) => {
    expect(() => nirKey(body)).toThrow(RangeError);
  });

  it('does not echo the body in its error', () => {
    expect(() => nirKey('3550814168025')).toThrow(/invalid sex digit/);
    try {
      nirKey('3550814168025');
    } catch (error) {
      expect((error as Error).message).not.toContain('3550814168025');
    }
  });
});

describe('formatNir', () => {
  it.each<[string, number | undefined, string]>([
    ['2550814168025', 38, '2 55 08 14 168 025 38'],
    ['2550814168025', undefined, '2 55 08 14 168 025'],
    ['185052A004123', 56, '1 85 05 2A 004 123 56'],
    ['1851020004123', 12, '1 85 10 20 004 123 12'],
    ['1851020004123', 5, '1 85 10 20 004 123 05'],
  ])('formats %s with key %s', (body, key, expected) => {
    expect(formatNir(body, key)).toBe(expected);
  });

  it('reads back as the same body and key', () => {
    fc.assert(
      fc.property(nirBody, (body) => {
        expect(normalizeNir(formatNir(body, nirKey(body)))).toEqual({ ok: true, value: { body, keyStatus: 'valid' } });
      }),
    );
  });

  it.each([0, 98, 1.5])('refuses key %s', (key) => {
    expect(() => formatNir('2550814168025', key)).toThrow(RangeError);
  });
});
