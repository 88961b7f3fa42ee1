// NIR construction: the key against DATA.md's worked example and an independent BigInt computation,
// and the allocator's promise that no two persons share a NIR, even in one crowded cohort.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNirAllocator, nirKey } from './nir.js';
import { createRandom } from './random.js';

/** Independent of the implementation: BigInt arithmetic, Corsica replaced by string substitution. */
function referenceKey(body: string): string {
  const digits = body.replace(/^(.{5})2A/, '$119').replace(/^(.{5})2B/, '$118');
  return (97n - (BigInt(digits) % 97n)).toString().padStart(2, '0');
}

describe('nirKey', () => {
  it('gives 38 for the example of DATA.md §2 (2 55 08 14 168 025 38)', () => {
    expect(nirKey('2550814168025')).toBe('38');
  });

  it('reads 2A as 19 and 2B as 18', () => {
    expect(nirKey('176062A123456')).toBe(referenceKey('1760619123456'));
    expect(nirKey('285052B004012')).toBe(referenceKey('2850518004012'));
    expect(nirKey('285052B004012')).not.toBe(nirKey('2850520004012'));
  });

  it('writes keys on two digits, from 01 to 97', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1_000_000_000_000n, max: 2_999_999_999_999n }), (n) => {
        const body = n.toString();
        const key = nirKey(body);
        expect(key).toMatch(/^(0[1-9]|[1-8]\d|9[0-7])$/);
        expect(key).toBe(referenceKey(body));
      }),
    );
  });

  it('rejects bodies that are not 13 characters', () => {
    expect(() => nirKey('255081416802')).toThrow(RangeError);
    expect(() => nirKey('25508141680X5')).toThrow(RangeError);
  });
});

describe('createNirAllocator', () => {
  it('never repeats a body within one cohort, across the three birthplace kinds', () => {
    const allocator = createNirAllocator(createRandom('nir-test'), ['350', '109']);
    const seen = new Set<string>();
    const n = 6000;
    for (let i = 0; i < n; i++) {
      const place =
        i % 3 === 0 ? ({ kind: 'metropolitan', department: i % 2 === 0 ? '56' : '2A' } as const)
        : i % 3 === 1 ? ({ kind: 'overseas', territory: '974' } as const)
        : ({ kind: 'abroad', country: '350' } as const);
      const body = allocator.allocate('F', 1990, 7, place);
      expect(body).toMatch(/^29007(\d\d|2A)\d{3}\d{3}$|^2900797[1-6]\d{5}$|^2900799(350|109)\d{3}$/);
      expect(body.slice(10)).not.toBe('000');
      seen.add(body);
    }
    expect(seen.size).toBe(n);
  });

  it('falls back to a mainland birth when the abroad space of a cohort is full, still without repeats', () => {
    const allocator = createNirAllocator(createRandom('nir-full'), ['350']);
    const bodies = Array.from({ length: 1200 }, () => allocator.allocate('M', 2001, 2, { kind: 'abroad', country: '350' }));
    expect(new Set(bodies).size).toBe(1200);
    expect(bodies.filter((b) => b.slice(5, 7) === '99')).toHaveLength(999);
  });
});
