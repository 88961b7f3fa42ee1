// Seeded pseudo-random numbers for the synthetic leak: sfc32 keyed by SHA-256 of the seed string, so
// the same seed always gives the same file (no Math.random, no clock). Not for anything secret.

import { createHash } from 'node:crypto';

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** An integer in [min, max], both included. */
  range(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T;
}

/**
 * sfc32 (Doty-Humphrey's small fast counting generator, 128-bit state), seeded from SHA-256 of
 * `seed` and `stream`: two streams of one seed are independent, which keeps vocabulary tables
 * drawn at start-up from shifting when the per-row logic changes.
 */
export function createRandom(seed: string, stream = ''): Random {
  const digest = createHash('sha256').update(`vigie-synth\0${stream}\0${seed}`, 'utf8').digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);

  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs of sfc32 still carry the raw seed bits; discard them.
  for (let i = 0; i < 16; i++) nextUint32();

  const next = (): number => nextUint32() / 4294967296;
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    range: (min, max) => min + int(max - min + 1),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('"items" expected at least one element, got 0');
      return items[int(items.length)] as T;
    },
  };
}

/** A weighted choice, built once: `pick(random)` costs a short linear scan over cumulative weights. */
export interface Weighted<T> {
  pick(random: Random): T;
}

export function weighted<T>(entries: readonly (readonly [T, number])[]): Weighted<T> {
  if (entries.length === 0) throw new RangeError('"entries" expected at least one element, got 0');
  const items = entries.map(([item]) => item);
  const cumulative: number[] = [];
  let total = 0;
  for (const [, weight] of entries) {
    if (!(weight >= 0)) throw new RangeError(`weights expected to be non-negative, got ${weight}`);
    total += weight;
    cumulative.push(total);
  }
  return {
    pick(random) {
      const x = random.next() * total;
      for (let i = 0; i < cumulative.length; i++) if (x < (cumulative[i] as number)) return items[i] as T;
      return items[items.length - 1] as T;
    },
  };
}

/**
 * A keyed bijection of [0, size): a 4-round Feistel network on the smallest even number of bits that
 * holds `size`, with cycle-walking to stay inside [0, size). Turning a counter into random-looking but
 * collision-free values (NIR order numbers, phone numbers, e-mail suffixes) keeps uniqueness without
 * remembering what was drawn. Not a cipher: the keys come from the seed and the rounds are weak.
 */
export function createPermutation(random: Random, size: number): (i: number) => number {
  if (!Number.isSafeInteger(size) || size < 1 || size > 2 ** 30) throw new RangeError(`"size" expected 1 to 2^30, got ${size}`);
  let bits = 2;
  while (2 ** bits < size) bits += 2;
  const half = bits / 2;
  const mask = (1 << half) - 1;
  const keys = [0, 1, 2, 3].map(() => Math.floor(random.next() * 4294967296) | 0);
  const round = (x: number, key: number): number => {
    let h = Math.imul(x ^ key, 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h & mask;
  };
  const encrypt = (x: number): number => {
    let left = x >>> half;
    let right = x & mask;
    for (const key of keys) [left, right] = [right, left ^ round(right, key)];
    return left * (mask + 1) + right;
  };
  return (i) => {
    if (!Number.isInteger(i) || i < 0 || i >= size) throw new RangeError(`permutation input expected 0 to ${size - 1}, got ${i}`);
    // Cycle-walking: the Feistel network permutes [0, 2^bits), so following it from i inside
    // [0, size) comes back into [0, size) after a few steps (2^bits < 4·size).
    let y = encrypt(i);
    while (y >= size) y = encrypt(y);
    return y;
  };
}
