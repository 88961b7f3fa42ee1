// The seeded generator and the keyed permutations the synthetic leak relies on for determinism and uniqueness.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPermutation, createRandom, weighted } from './random.js';

describe('createRandom', () => {
  it('replays the same sequence for the same seed and stream, and another for another seed or stream', () => {
    const draw = (seed: string, stream?: string): number[] => {
      const random = createRandom(seed, stream);
      return Array.from({ length: 8 }, () => random.next());
    };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
    expect(draw('a', 'x')).not.toEqual(draw('a', 'y'));
  });

  it('stays in range and is roughly uniform', () => {
    const random = createRandom('uniform');
    const counts = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = random.int(10);
      if (x >= 0 && x < 10) counts[x] = (counts[x] ?? 0) + 1;
      else outside++;
    }
    expect(outside).toBe(0);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('follows the weights of a weighted table', () => {
    const random = createRandom('weights');
    const table = weighted([['rare', 1], ['common', 9]] as const);
    let rare = 0;
    for (let i = 0; i < 50_000; i++) if (table.pick(random) === 'rare') rare++;
    expect(rare / 50_000).toBeGreaterThan(0.09);
    expect(rare / 50_000).toBeLessThan(0.11);
  });
});

describe('createPermutation', () => {
  it('is a bijection of [0, size) for any size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.string(), (size, seed) => {
        const permute = createPermutation(createRandom(seed), size);
        const seen = new Uint8Array(size);
        let distinct = 0;
        for (let i = 0; i < size; i++) {
          const y = permute(i);
          if (Number.isInteger(y) && y >= 0 && y < size && seen[y] === 0) distinct++;
          seen[y] = 1;
        }
        expect(distinct).toBe(size);
      }),
      { numRuns: 100 },
    );
  });

  it('covers the NIR metropolitan space (999 × 999) without a collision', () => {
    const size = 999 * 999;
    const permute = createPermutation(createRandom('metro'), size);
    const seen = new Uint8Array(size);
    for (let i = 0; i < size; i++) seen[permute(i)] = 1;
    expect(seen.every((b) => b === 1)).toBe(true);
  });

  it('does not look like a counter', () => {
    const permute = createPermutation(createRandom('spread'), 10_000_000);
    const steps = new Set(Array.from({ length: 50 }, (_, i) => permute(i + 1) - permute(i)));
    expect(steps.size).toBeGreaterThan(45);
  });

  it('rejects inputs outside its domain', () => {
    const permute = createPermutation(createRandom('x'), 10);
    expect(() => permute(10)).toThrow(RangeError);
    expect(() => permute(-1)).toThrow(RangeError);
  });
});
